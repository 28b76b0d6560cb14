//! Deterministic random samples of questions over loaded policies: uniform over the
//! policies and, in each, uniform over the points of its axes.

use crate::rng::Rng;
use stringent_policy::grid::Grid;
use stringent_policy::{LoadedPolicy, Question};

/// Questions as cell coordinates: which policy, and the value positions on each axis.
/// Stored flat, one run of coordinates per point, so that reading them costs what reading
/// arrays does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Points {
    /// The number of axes of every point.
    axes: usize,
    policies: Vec<usize>,
    coordinates: Vec<u32>,
}

impl Points {
    /// The number of axes of every point.
    pub fn axes(&self) -> usize {
        self.axes
    }

    pub fn len(&self) -> usize {
        self.policies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Each point in order: its policy, and its value positions, one per axis.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &[u32])> + Clone {
        self.policies.iter().copied().zip(self.coordinates.chunks_exact(self.axes.max(1)))
    }
}

/// The cells of a policy: the number of values on each axis.
pub fn grid(policy: &LoadedPolicy) -> Grid {
    Grid::new(policy.policy().vocabulary.axes.iter().map(|a| a.values.len())).unwrap_or_default()
}

/// `n` points drawn from `policies` (whose vocabularies have the same axes) with a fixed
/// seed.
pub fn points(policies: &[LoadedPolicy], n: usize, seed: u64) -> Points {
    let mut rng = Rng::new(seed);
    let grids: Vec<Grid> = policies.iter().map(grid).collect();
    let axes = grids.first().map_or(0, Grid::axes);
    let mut out = Points { axes, policies: Vec::with_capacity(n), coordinates: Vec::with_capacity(n * axes) };
    for _ in 0..n {
        let policy = rng.below(policies.len());
        let Some(grid) = grids.get(policy).filter(|g| g.axes() == axes) else { continue };
        for size in grid.sizes() {
            out.coordinates.push(u32::try_from(rng.below(*size)).unwrap_or(0));
        }
        out.policies.push(policy);
    }
    out
}

/// The value ids of a point, as a consumer would ask, in the order of the axes.
pub fn ids<'p>(policy: &'p LoadedPolicy, point: &[u32]) -> Option<Vec<&'p str>> {
    let axes = &policy.policy().vocabulary.axes;
    if point.len() != axes.len() {
        return None;
    }
    point.iter().zip(axes).map(|(p, axis)| Some(axis.values.get(*p as usize)?.id.as_str())).collect()
}

/// The same point as a [`Question`] with one category.
pub fn question(policy: &LoadedPolicy, point: &[u32]) -> Option<Question> {
    Question::at(&ids(policy, point)?)
}

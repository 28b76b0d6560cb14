//! Deterministic random samples of questions over loaded policies: uniform over the
//! policies and, in each, uniform over the points of the five axes.

use crate::rng::Rng;
use stringent_policy::{LoadedPolicy, Question};

/// One question as cell coordinates: which policy, and the value positions on each axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub policy: usize,
    pub point: [u32; 5],
}

/// The number of values on each axis of a policy.
pub fn sizes(policy: &LoadedPolicy) -> [usize; 5] {
    let mut sizes = [0usize; 5];
    for (s, a) in sizes.iter_mut().zip(&policy.policy().vocabulary.axes) {
        *s = a.values.len();
    }
    sizes
}

/// `n` points drawn from `policies` with a fixed seed.
pub fn points(policies: &[LoadedPolicy], n: usize, seed: u64) -> Vec<Point> {
    let mut rng = Rng::new(seed);
    let shapes: Vec<[usize; 5]> = policies.iter().map(sizes).collect();
    (0..n)
        .filter_map(|_| {
            let policy = rng.below(policies.len());
            let shape = shapes.get(policy)?;
            let mut point = [0u32; 5];
            for (p, size) in point.iter_mut().zip(shape) {
                *p = u32::try_from(rng.below(*size)).unwrap_or(0);
            }
            Some(Point { policy, point })
        })
        .collect()
}

/// The value ids of a point, as a consumer would ask: category, purpose, recipient, subject, holder.
pub fn ids(policy: &LoadedPolicy, point: [u32; 5]) -> Option<[&str; 5]> {
    let axes = &policy.policy().vocabulary.axes;
    let mut out = [""; 5];
    for ((o, p), axis) in out.iter_mut().zip(point).zip(axes) {
        *o = axis.values.get(p as usize)?.id.as_str();
    }
    Some(out)
}

/// The same point as a [`Question`] with one category.
pub fn question(policy: &LoadedPolicy, point: [u32; 5]) -> Option<Question> {
    let [category, purpose, recipient, subject, holder] = ids(policy, point)?;
    Some(Question {
        categories: vec![category.to_owned()],
        purpose: purpose.to_owned(),
        recipient: recipient.to_owned(),
        subject: subject.to_owned(),
        holder: holder.to_owned(),
    })
}

//! The layout of a policy's cells, and the one place that knows it.
//!
//! A cell is a point of the vocabulary's axes: one value per axis. [`Grid`] numbers the
//! points row-major (the first axis varies slowest) for any number of axes. [`Regions`]
//! stores one entry per cell without storing every cell: the values of an axis whose cells
//! all hold the same entries form a class, and the table holds one entry per tuple of
//! classes. A policy of 234,080 cells folds into a few thousand tuples, which is what the
//! artifact stores (schema 2.0) and what a question reads.
//!
//! Invariants: a `Grid`'s `len` is the product of its sizes and fits a `usize`; a
//! `Regions` is canonical — classes are the coarsest that keep every cell's entry, numbered
//! in the order of their first value — so the same answers give the same bytes.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hash;

/// Row-major numbering of the points of N axes of given sizes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grid {
    sizes: Vec<usize>,
    strides: Vec<usize>,
    len: usize,
}

impl Grid {
    /// The grid of axes of these sizes; `None` when it has more points than a `usize`
    /// counts. An axis of size 0 makes a grid with no points.
    pub fn new(sizes: impl IntoIterator<Item = usize>) -> Option<Grid> {
        let sizes: Vec<usize> = sizes.into_iter().collect();
        let mut strides = vec![1usize; sizes.len()];
        let mut len = 1usize;
        for (stride, size) in strides.iter_mut().zip(&sizes).rev() {
            *stride = len;
            len = len.checked_mul(*size)?;
        }
        Some(Grid { sizes, strides, len })
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No points: some axis has no value, so there is nothing to answer.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of axes.
    pub fn axes(&self) -> usize {
        self.sizes.len()
    }

    /// The number of values of each axis.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// How far apart in the numbering two points are that differ by one on each axis.
    pub fn strides(&self) -> &[usize] {
        &self.strides
    }

    /// The number of a point; `None` when it has another number of axes or a value out of
    /// range.
    pub fn index(&self, point: &[u32]) -> Option<usize> {
        if point.len() != self.sizes.len() {
            return None;
        }
        let mut index = 0usize;
        for ((p, size), stride) in point.iter().zip(&self.sizes).zip(&self.strides) {
            let p = *p as usize;
            if p >= *size {
                return None;
            }
            index += p * stride;
        }
        Some(index)
    }

    /// The point numbered `index`, written into `out` (one slot per axis); `false` when
    /// the index is out of range or `out` has another length.
    pub fn point_into(&self, index: usize, out: &mut [u32]) -> bool {
        if index >= self.len || out.len() != self.sizes.len() {
            return false;
        }
        let mut rest = index;
        for (slot, stride) in out.iter_mut().zip(&self.strides) {
            *slot = u32::try_from(rest / stride).unwrap_or(u32::MAX);
            rest %= stride;
        }
        true
    }

    /// The point numbered `index`.
    pub fn point(&self, index: usize) -> Option<Vec<u32>> {
        let mut out = vec![0; self.sizes.len()];
        self.point_into(index, &mut out).then_some(out)
    }

    /// Call `f` with every point in order, and its number: an odometer, no division.
    pub fn for_each_point(&self, mut f: impl FnMut(usize, &[u32])) {
        if self.len == 0 {
            return;
        }
        let mut point = vec![0u32; self.sizes.len()];
        for index in 0..self.len {
            f(index, &point);
            for (slot, size) in point.iter_mut().zip(&self.sizes).rev() {
                *slot += 1;
                if (*slot as usize) < *size {
                    break;
                }
                *slot = 0;
            }
        }
    }

    /// Call `f` with every point in order, its number, and the first axis whose value
    /// changed since the previous point (0 for the first point): what a caller derived
    /// from the values of the axes before that one still holds, and only the rest is
    /// derived again. An odometer, no division.
    pub fn for_each_step(&self, mut f: impl FnMut(usize, &[u32], usize)) {
        if self.len == 0 {
            return;
        }
        let mut point = vec![0u32; self.sizes.len()];
        let mut changed = 0;
        for index in 0..self.len {
            f(index, &point, changed);
            changed = self.sizes.len();
            for (slot, size) in point.iter_mut().zip(&self.sizes).rev() {
                changed -= 1;
                *slot += 1;
                if (*slot as usize) < *size {
                    break;
                }
                *slot = 0;
            }
        }
    }

    /// Call `f` with every point whose value on each axis is one of `values[axis]`, in
    /// order: a narrow selection costs its own points, not the whole grid.
    pub fn for_each_selected(&self, values: &[Vec<u32>], mut f: impl FnMut(usize, &[u32])) {
        if values.len() != self.sizes.len() || values.iter().any(Vec::is_empty) {
            return;
        }
        let mut at = vec![0usize; values.len()];
        let mut point: Vec<u32> = values.iter().filter_map(|v| v.first().copied()).collect();
        loop {
            if let Some(index) = self.index(&point) {
                f(index, &point);
            }
            let mut axis = values.len();
            loop {
                if axis == 0 {
                    return;
                }
                axis -= 1;
                let (Some(pos), Some(vals), Some(slot)) = (at.get_mut(axis), values.get(axis), point.get_mut(axis))
                else {
                    return;
                };
                *pos += 1;
                if let Some(v) = vals.get(*pos) {
                    *slot = *v;
                    break;
                }
                *pos = 0;
                *slot = vals.first().copied().unwrap_or(0);
            }
        }
    }
}

/// Per axis, the number of classes: one more than the largest class named; `None` when
/// that count overflows.
fn counts(classes: &[Vec<u32>]) -> Option<Vec<usize>> {
    classes.iter().map(|c| c.iter().max().map_or(Some(0), |m| (*m as usize).checked_add(1))).collect()
}

/// One entry per cell, stored once per tuple of classes of values (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Regions<T> {
    /// Per axis, in vocabulary order; per value, in vocabulary order: the value's class.
    pub classes: Vec<Vec<u32>>,
    /// Per tuple of classes, numbered row-major over the classes: its entry.
    pub table: Vec<T>,
}

impl<T> Default for Regions<T> {
    fn default() -> Self {
        Regions { classes: Vec::new(), table: Vec::new() }
    }
}

impl<T: Copy + Eq + Hash> Regions<T> {
    /// The canonical regions of a table given over some classes of values (not
    /// necessarily the coarsest): classes whose entries agree everywhere are merged and
    /// renumbered in the order of their first value.
    pub fn canonical(classes: Vec<Vec<u32>>, table: Vec<T>) -> Option<Regions<T>> {
        let mut regions = Regions { classes, table };
        let mut counts = regions.counts()?;
        if Grid::new(counts.iter().copied())?.len() != regions.table.len() {
            return None;
        }
        if regions.table.is_empty() {
            // An axis without values: no cell, nothing to merge.
            return Some(regions);
        }
        for axis in 0..counts.len() {
            let grid = Grid::new(counts.iter().copied())?;
            let (Some(&count), Some(&stride)) = (counts.get(axis), grid.strides().get(axis)) else {
                return None;
            };
            // The entries of one class of this axis: one run of `stride` in each block of
            // `count * stride`.
            let slice = |table: &[T], c: usize| -> Vec<T> {
                table
                    .chunks(count * stride)
                    .filter_map(|block| block.get(c * stride..(c + 1) * stride))
                    .flatten()
                    .copied()
                    .collect()
            };
            // Old class -> new class, new classes numbered in the order of first value.
            let mut renumber: Vec<Option<u32>> = vec![None; count];
            let mut seen: HashMap<Vec<T>, u32> = HashMap::new();
            let mut kept: Vec<usize> = Vec::new();
            let values = regions.classes.get(axis)?.clone();
            for old in values {
                let old = old as usize;
                if renumber.get(old)?.is_some() {
                    continue;
                }
                let entries = slice(&regions.table, old);
                let next = u32::try_from(kept.len()).ok()?;
                let new = *seen.entry(entries).or_insert_with(|| {
                    kept.push(old);
                    next
                });
                *renumber.get_mut(old)? = Some(new);
            }
            // Classes no value belongs to are dropped.
            let axis_classes = regions.classes.get_mut(axis)?;
            for c in axis_classes.iter_mut() {
                *c = renumber.get(*c as usize).copied().flatten()?;
            }
            let mut table = Vec::with_capacity(regions.table.len() / count.max(1) * kept.len());
            for block in regions.table.chunks(count * stride) {
                for old in &kept {
                    table.extend_from_slice(block.get(old * stride..(old + 1) * stride)?);
                }
            }
            regions.table = table;
            *counts.get_mut(axis)? = kept.len();
        }
        Some(regions)
    }

    /// The canonical regions of one entry per cell of `grid`, asked of `entry` once per
    /// cell. Meant for tests and small grids: the compiler builds regions from its own.
    pub fn from_cells(grid: &Grid, mut entry: impl FnMut(&[u32]) -> T) -> Option<Regions<T>> {
        let classes = grid.sizes().iter().map(|n| (0..*n).map(|v| u32::try_from(v).unwrap_or(u32::MAX)).collect());
        let mut table = Vec::with_capacity(grid.len());
        grid.for_each_point(|_, p| table.push(entry(p)));
        Regions::canonical(classes.collect(), table)
    }

    /// The same regions with each entry mapped, made canonical again (classes that only
    /// the dropped part told apart merge).
    pub fn map<U: Copy + Eq + Hash>(&self, f: impl Fn(&T) -> U) -> Option<Regions<U>> {
        Regions::canonical(self.classes.clone(), self.table.iter().map(f).collect())
    }
}

impl<T> Regions<T> {
    /// The number of classes of each axis: one more than the largest class named; `None`
    /// when that count overflows.
    pub fn counts(&self) -> Option<Vec<usize>> {
        counts(&self.classes)
    }

    /// The grid of the cells: the number of values of each axis.
    pub fn cell_grid(&self) -> Option<Grid> {
        Grid::new(self.classes.iter().map(Vec::len))
    }

    /// The grid of the tuples of classes.
    pub fn tuple_grid(&self) -> Option<Grid> {
        Grid::new(self.counts()?)
    }

    /// Why these regions cannot describe a policy whose axes have `sizes` values, if they
    /// cannot: each axis maps each of its values, every class has a value, and the table
    /// has one entry per tuple.
    pub fn check(&self, sizes: &[usize]) -> Result<(), String> {
        if self.classes.len() != sizes.len() {
            return Err(format!(
                "classes are given for {} axes; the vocabulary has {}",
                self.classes.len(),
                sizes.len()
            ));
        }
        for (axis, (classes, size)) in self.classes.iter().zip(sizes).enumerate() {
            if classes.len() != *size {
                return Err(format!("axis {axis} has {size} values but {} classes are given", classes.len()));
            }
            let count = classes.iter().max().map_or(0, |m| *m as usize + 1);
            if count > *size {
                return Err(format!("axis {axis} names class {} but has only {size} values", count - 1));
            }
            let mut used = vec![false; count];
            for c in classes {
                if let Some(u) = used.get_mut(*c as usize) {
                    *u = true;
                }
            }
            if used.contains(&false) {
                return Err(format!("axis {axis} has a class with no value"));
            }
        }
        let tuples = self.tuple_grid().ok_or("the classes describe more tuples than can be stored")?.len();
        if self.table.len() != tuples {
            return Err(format!("{} entries for {tuples} tuples of classes", self.table.len()));
        }
        Ok(())
    }
}

/// Regions prepared for answering: per axis and value, what the value adds to the number
/// of its tuple (its class times its axis's stride), computed once, so that reading a cell
/// is a few loads and a sum, no allocation. The OPA bundle and the report's question form
/// carry the same offsets.
#[derive(Debug, Clone, Default)]
pub struct RegionIndex {
    offsets: Vec<Vec<usize>>,
    /// The tuples of classes, and the cells.
    tuples: Grid,
    cells: Grid,
}

impl RegionIndex {
    /// The index of regions whose tuples and cells can be counted; `None` when they cannot.
    /// Regions that do not cover their cells (see [`Regions::check`]) give an index that
    /// reads entries out of range as `None`.
    pub fn new<T>(regions: &Regions<T>) -> Option<RegionIndex> {
        RegionIndex::of_classes(&regions.classes)
    }

    /// The index of some classes of values (per axis, per value: its class), for a table
    /// of one entry per tuple of classes numbered row-major, as [`Regions`] stores it.
    pub fn of_classes(classes: &[Vec<u32>]) -> Option<RegionIndex> {
        let tuples = Grid::new(counts(classes)?)?;
        let cells = Grid::new(classes.iter().map(Vec::len))?;
        let offsets = classes
            .iter()
            .zip(tuples.strides())
            .map(|(classes, stride)| classes.iter().map(|c| *c as usize * stride).collect())
            .collect();
        Some(RegionIndex { offsets, tuples, cells })
    }

    /// The grid of the tuples of classes: one entry of the table per point.
    pub fn tuples(&self) -> &Grid {
        &self.tuples
    }

    /// The grid of the cells: the number of values of each axis.
    pub fn cells(&self) -> &Grid {
        &self.cells
    }

    /// The number of the tuple that holds the cell numbered `cell` (row-major over the
    /// values); `None` when out of range. No allocation.
    pub fn tuple_at(&self, cell: usize) -> Option<usize> {
        if cell >= self.cells.len() {
            return None;
        }
        let mut rest = cell;
        let mut tuple = 0usize;
        for (offsets, stride) in self.offsets.iter().zip(self.cells.strides()) {
            tuple += *offsets.get(rest / stride)?;
            rest %= stride;
        }
        Some(tuple)
    }

    /// Call `f` with the number of the tuple of every cell, in cell order: the last axis's
    /// offsets added to a sum of the others made once per run of it, no division.
    pub fn for_each_cell(&self, mut f: impl FnMut(usize)) {
        let Some((last, outer)) = self.offsets.split_last() else {
            // No axis: one cell, the one tuple.
            f(0);
            return;
        };
        if self.offsets.iter().any(Vec::is_empty) {
            return;
        }
        let mut at = vec![0usize; outer.len()];
        loop {
            let base: usize = outer.iter().zip(&at).map(|(o, i)| o.get(*i).copied().unwrap_or(0)).sum();
            for offset in last {
                f(base + offset);
            }
            let mut axis = outer.len();
            loop {
                if axis == 0 {
                    return;
                }
                axis -= 1;
                let (Some(i), Some(o)) = (at.get_mut(axis), outer.get(axis)) else {
                    return;
                };
                *i += 1;
                if *i < o.len() {
                    break;
                }
                *i = 0;
            }
        }
    }

    /// The number of the tuple of classes that holds a point; `None` when the point has
    /// another number of axes or a value out of range.
    #[inline]
    pub fn tuple(&self, point: &[u32]) -> Option<usize> {
        if point.len() != self.offsets.len() {
            return None;
        }
        let mut tuple = 0usize;
        for (p, offsets) in point.iter().zip(&self.offsets) {
            tuple += *offsets.get(*p as usize)?;
        }
        Some(tuple)
    }

    /// The entry of `regions` (those this index was made from) at a point.
    #[inline]
    pub fn get<'r, T>(&self, regions: &'r Regions<T>, point: &[u32]) -> Option<&'r T> {
        regions.table.get(self.tuple(point)?)
    }

    /// Per axis, per value: what the value adds to the number of its tuple.
    pub fn offsets(&self) -> &[Vec<usize>] {
        &self.offsets
    }
}

#[cfg(test)]
#[expect(clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]
mod tests {
    use super::*;

    #[test]
    fn points_and_numbers_are_inverse_row_major() {
        let grid = Grid::new([2, 3, 4]).unwrap_or_default();
        assert_eq!(grid.len(), 24);
        assert_eq!(grid.strides(), [12, 4, 1]);
        assert_eq!(grid.index(&[1, 2, 3]), Some(23));
        assert_eq!(grid.index(&[0, 3, 0]), None);
        assert_eq!(grid.index(&[0, 0]), None);
        let mut seen = 0;
        grid.for_each_point(|i, p| {
            assert_eq!(grid.index(p), Some(i));
            assert_eq!(grid.point(i).as_deref(), Some(p));
            seen += 1;
        });
        assert_eq!(seen, 24);
        assert_eq!(grid.point(24), None);
    }

    #[test]
    fn a_step_names_the_first_axis_that_changed() {
        let grid = Grid::new([2, 1, 3]).unwrap_or_default();
        let mut steps = Vec::new();
        let mut previous: Vec<u32> = Vec::new();
        grid.for_each_step(|i, p, changed| {
            assert_eq!(grid.index(p), Some(i));
            if let Some(first) = p.iter().zip(&previous).position(|(a, b)| a != b) {
                assert_eq!(changed, first);
            }
            previous = p.to_vec();
            steps.push(changed);
        });
        assert_eq!(steps, [0, 2, 2, 0, 2, 2]);
        Grid::new([2, 0]).unwrap_or_default().for_each_step(|_, _, _| unreachable!("an empty grid has no points"));
    }

    #[test]
    fn an_index_finds_the_tuple_of_every_cell_by_number_and_in_order() {
        let classes = vec![vec![0, 1, 0], vec![0, 0], vec![1, 0, 2, 1]];
        let index = RegionIndex::of_classes(&classes).unwrap_or_default();
        assert_eq!(index.cells().sizes(), [3, 2, 4]);
        assert_eq!(index.tuples().sizes(), [2, 1, 3]);
        let mut in_order = Vec::new();
        index.for_each_cell(|t| in_order.push(t));
        assert_eq!(in_order.len(), 24);
        index.cells().for_each_point(|cell, p| {
            let expected = index.tuple(p);
            assert_eq!(index.tuple_at(cell), expected);
            assert_eq!(in_order.get(cell).copied(), expected);
            // By hand: the classes of the values, numbered row-major over the counts [2, 1, 3].
            let class = |axis: usize| classes[axis][p[axis] as usize] as usize;
            let by_hand = (class(0) + class(1)) * 3 + class(2);
            assert_eq!(expected, Some(by_hand));
        });
        assert_eq!(index.tuple_at(24), None);
        let none = RegionIndex::of_classes(&[vec![0], vec![]]).unwrap_or_default();
        none.for_each_cell(|_| unreachable!("an axis without values has no cells"));
        let mut calls = 0;
        RegionIndex::of_classes(&[]).unwrap_or_default().for_each_cell(|t| {
            assert_eq!(t, 0);
            calls += 1;
        });
        assert_eq!(calls, 1);
    }

    #[test]
    fn an_overflowing_grid_is_refused_and_an_empty_axis_has_no_points() {
        assert_eq!(Grid::new([usize::MAX, 2]), None);
        let empty = Grid::new([3, 0, 2]).unwrap_or_default();
        assert!(empty.is_empty());
        let mut calls = 0;
        empty.for_each_point(|_, _| calls += 1);
        assert_eq!(calls, 0);
    }

    #[test]
    fn a_selection_visits_its_points_in_order() {
        let grid = Grid::new([3, 3]).unwrap_or_default();
        let mut got = Vec::new();
        grid.for_each_selected(&[vec![0, 2], vec![1, 2]], |i, _| got.push(i));
        assert_eq!(got, [1, 2, 7, 8]);
        grid.for_each_selected(&[vec![0], vec![]], |_, _| unreachable!("an empty selection has no points"));
    }

    #[test]
    fn regions_keep_every_cell_and_merge_only_equal_values() {
        let grid = Grid::new([4, 3]).unwrap_or_default();
        // Values 0 and 2 of the first axis, and 1 and 2 of the second, behave alike.
        let entry = |p: &[u32]| {
            let a = if p[0].is_multiple_of(2) { 0 } else { p[0] };
            let b = p[1].min(1);
            a * 10 + b
        };
        let regions = Regions::from_cells(&grid, entry).unwrap_or_default();
        assert_eq!(regions.classes, [vec![0, 1, 0, 2], vec![0, 1, 1]]);
        assert_eq!(regions.table.len(), 6);
        assert_eq!(regions.check(&[4, 3]), Ok(()));
        let index = RegionIndex::new(&regions).unwrap_or_default();
        grid.for_each_point(|_, p| {
            assert_eq!(index.tuple(p).and_then(|t| regions.table.get(t)).copied(), Some(entry(p)));
        });
        // Canonical: made again from its own classes, it is the same.
        let again = Regions::canonical(regions.classes.clone(), regions.table.clone());
        assert_eq!(again.as_ref(), Some(&regions));
        // Dropping what told values apart merges them.
        let coarse = regions.map(|e| *e % 10).unwrap_or_default();
        assert_eq!(coarse.classes, [vec![0, 0, 0, 0], vec![0, 1, 1]]);
    }

    #[test]
    fn check_names_what_is_wrong() {
        let ok = Regions { classes: vec![vec![0, 1], vec![0]], table: vec![5, 6] };
        assert_eq!(ok.check(&[2, 1]), Ok(()));
        assert!(ok.check(&[2]).is_err());
        assert!(ok.check(&[3, 1]).is_err());
        let past = Regions { classes: vec![vec![0, 2], vec![0]], table: vec![5, 6, 7] };
        assert!(past.check(&[2, 1]).is_err_and(|e| e.contains("names class 2")));
        let gap = Regions { classes: vec![vec![0, 2, 0], vec![0]], table: vec![5, 6, 7] };
        assert!(gap.check(&[3, 1]).is_err_and(|e| e.contains("no value")));
        let short = Regions { classes: vec![vec![0, 1], vec![0]], table: vec![5] };
        assert!(short.check(&[2, 1]).is_err_and(|e| e.contains("entries")));
    }
}

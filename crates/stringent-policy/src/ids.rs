//! Value ids to positions: what a question by names reads before its cell.
//!
//! One open-addressing table serves every axis of a policy, and the ids it compares
//! against sit side by side in one string, so a lookup reads one slot and a few bytes
//! that stay in cache together instead of chasing a `String` per key. The hash is a
//! multiply-rotate over eight bytes at a time: the ids are the vocabulary's, which the
//! artifact's hashes vouch for, so a hash built against flooding buys nothing here, and a
//! crafted vocabulary can at worst make a lookup scan its axis's values.
//!
//! Policies compiled together carry the same vocabulary, so [`IdIndex::shared`] hands
//! them one index: a process answering for every chain then keeps one small table in
//! cache, not 53 (BENCHMARKS.md §3).
//!
//! Invariants: the table's length is a power of two and more than twice the number of
//! ids, so a probe always meets an empty slot; each (axis, id) is stored once; two
//! indexes built from the same ids in the same order are equal, slot for slot.

use std::sync::{Arc, Mutex, PoisonError, Weak};

/// The index of every value id of every axis of one policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdIndex {
    slots: Vec<Slot>,
    /// Every id, concatenated; a slot names its id by offset and length.
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    hash: u64,
    start: u32,
    len: u32,
    axis: u32,
    /// The value's position on its axis; `EMPTY` marks a free slot.
    position: u32,
}

const EMPTY: u32 = u32::MAX;
const FREE: Slot = Slot { hash: 0, start: 0, len: 0, axis: 0, position: EMPTY };

impl IdIndex {
    /// Index the ids of each axis, given in axis order. `Err((axis, id))` names the first
    /// id an axis declares twice.
    pub(crate) fn new<'a, A, I>(axes: A) -> Result<IdIndex, (usize, String)>
    where
        A: IntoIterator<Item = I>,
        I: IntoIterator<Item = &'a str>,
    {
        let axes: Vec<Vec<&str>> = axes.into_iter().map(|ids| ids.into_iter().collect()).collect();
        let count: usize = axes.iter().map(Vec::len).sum();
        let size = (count * 2 + 1).next_power_of_two();
        let mut index = IdIndex { slots: vec![FREE; size], text: String::new() };
        for (axis, ids) in axes.iter().enumerate() {
            for (position, id) in ids.iter().enumerate() {
                if !index.insert(axis, id, position) {
                    return Err((axis, (*id).to_owned()));
                }
            }
        }
        Ok(index)
    }

    /// The index of these ids, shared with every live policy whose axes hold the same ids
    /// in the same order.
    pub(crate) fn shared<'a, A, I>(axes: A) -> Result<Arc<IdIndex>, (usize, String)>
    where
        A: IntoIterator<Item = I>,
        I: IntoIterator<Item = &'a str>,
    {
        static LIVE: Mutex<Vec<Weak<IdIndex>>> = Mutex::new(Vec::new());
        let built = IdIndex::new(axes)?;
        // A panic elsewhere while the lock was held leaves the list valid: it only holds
        // weak references.
        let mut live = LIVE.lock().unwrap_or_else(PoisonError::into_inner);
        live.retain(|index| index.strong_count() > 0);
        if let Some(same) = live.iter().filter_map(Weak::upgrade).find(|index| **index == built) {
            return Ok(same);
        }
        let built = Arc::new(built);
        live.push(Arc::downgrade(&built));
        Ok(built)
    }

    /// Add an id; `false` when the axis already holds it. Positions and offsets beyond
    /// `u32` cannot occur: the artifact's size limit keeps them far below.
    fn insert(&mut self, axis: usize, id: &str, position: usize) -> bool {
        if self.find(axis, id).is_some() {
            return false;
        }
        let hash = hash(axis, id);
        let mask = self.slots.len() - 1;
        let mut at = (hash as usize) & mask;
        while self.slots.get(at).is_some_and(|s| s.position != EMPTY) {
            at = (at + 1) & mask;
        }
        let narrow = |n: usize| u32::try_from(n).unwrap_or(EMPTY - 1);
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = Slot {
                hash,
                start: narrow(self.text.len()),
                len: narrow(id.len()),
                axis: narrow(axis),
                position: narrow(position),
            };
        }
        self.text.push_str(id);
        true
    }

    /// The position of `id` on the axis at position `axis`.
    #[inline]
    pub(crate) fn find(&self, axis: usize, id: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let hash = hash(axis, id);
        let mask = self.slots.len() - 1;
        let mut at = (hash as usize) & mask;
        loop {
            let slot = self.slots.get(at)?;
            if slot.position == EMPTY {
                return None;
            }
            if slot.hash == hash
                && slot.axis as usize == axis
                && self.text.get(slot.start as usize..(slot.start as usize + slot.len as usize)) == Some(id)
            {
                return Some(slot.position);
            }
            at = (at + 1) & mask;
        }
    }
}

/// FxHash's multiply-rotate step over the id's bytes, eight at a time, seeded with the
/// axis and its length; the final fold moves the well-mixed high bits down, where the
/// table's mask reads them.
#[inline]
fn hash(axis: usize, id: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let bytes = id.as_bytes();
    let mut h = step(axis as u64, bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = step(h, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        for (slot, byte) in word.iter_mut().zip(rest) {
            *slot = *byte;
        }
        h = step(h, u64::from_le_bytes(word));
    }
    h ^ (h >> 32)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn finds_every_id_on_its_own_axis_only() {
        let axes = [vec!["general", "hiv", "mental_health"], vec!["treatment", "hiv"], vec![]];
        let index = IdIndex::new(axes.iter().map(|a| a.iter().copied())).unwrap();
        for (axis, ids) in axes.iter().enumerate() {
            for (position, id) in ids.iter().enumerate() {
                assert_eq!(index.find(axis, id), Some(position as u32), "{axis} {id}");
            }
        }
        assert_eq!(index.find(1, "general"), None);
        assert_eq!(index.find(0, "hi"), None);
        assert_eq!(index.find(0, "hiv "), None);
        assert_eq!(index.find(0, ""), None);
        assert_eq!(index.find(7, "hiv"), None);
    }

    #[test]
    fn a_twice_declared_id_is_named() {
        let axes = [vec!["a"], vec!["b", "c", "b"]];
        let err = IdIndex::new(axes.iter().map(|a| a.iter().copied())).unwrap_err();
        assert_eq!(err, (1, "b".to_owned()));
    }

    #[test]
    fn the_same_ids_share_one_index_and_other_ids_do_not() {
        let ids = |extra: &'static str| vec![vec!["general", "hiv"], vec!["treatment", extra]];
        let a = IdIndex::shared(ids("payment")).unwrap();
        let b = IdIndex::shared(ids("payment")).unwrap();
        let c = IdIndex::shared(ids("operations")).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.find(1, "operations"), Some(1));
        assert_eq!(a.find(1, "operations"), None);
        // Order matters: the same ids in another order give other positions.
        let d = IdIndex::shared(vec![vec!["hiv", "general"], vec!["treatment", "payment"]]).unwrap();
        assert!(!Arc::ptr_eq(&a, &d));
        assert_eq!(d.find(0, "general"), Some(1));
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        let index = IdIndex::new(Vec::<Vec<&str>>::new()).unwrap();
        assert_eq!(index.find(0, "x"), None);
        assert_eq!(IdIndex::default().find(0, "x"), None);
    }

    #[test]
    fn many_ids_with_shared_prefixes_all_resolve() {
        let ids: Vec<String> = (0..5000).map(|i| format!("value_with_a_long_common_prefix_{i}")).collect();
        let index = IdIndex::new([ids.iter().map(String::as_str)]).unwrap();
        for (position, id) in ids.iter().enumerate() {
            assert_eq!(index.find(0, id), Some(position as u32));
        }
        assert_eq!(index.find(0, "value_with_a_long_common_prefix_5000"), None);
    }
}

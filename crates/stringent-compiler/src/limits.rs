//! Every limit stringent enforces, in one place. Each is far above what the shipped rules
//! need (their size is given beside each limit) and low enough that a tree within all of
//! them checks, compiles and answers in seconds and a few hundred megabytes; a tree beyond
//! one is refused by `check` with E0400 (`LimitExceeded`) before anything costly is built.
//! README.md, section "Limits", lists them with the diagnostic each gives.

pub use crate::discover::MAX_FILE_BYTES;
pub use stringent_policy::MAX_POLICY_BYTES;

/// Values declared on one axis. Each axis keeps a values × values table of which value
/// covers which (1 MiB at this limit). Shipped: at most 16.
pub const MAX_VALUES_PER_AXIS: usize = 1_024;

/// Cells of one chain: the product of the five axes' sizes. Resolution and the loader's
/// checks are linear in the cells at worst (an artifact stores one entry per tuple of
/// classes, at most one per cell), so this bounds a chain's work and memory. Shipped: 306,432.
pub const MAX_CELLS: usize = 1 << 20;

/// Cells over all chains: cells times layers, what `compile` builds and writes in one run
/// (about 8 bytes in memory and 6 bytes of JSON per cell). Shipped: 53 × 306,432 = 16,240,896.
pub const MAX_TOTAL_CELLS: usize = 1 << 26;

/// Values from a root of an axis down to its deepest value, the root counted. Shipped: 5
/// (`health_information` › `behavioral_health` › `substance_use` › `part2_record` ›
/// `sud_counseling_notes`).
pub const MAX_HIERARCHY_DEPTH: usize = 32;

/// Ways (alternatives joined by `or`) in one rule's permission. The meet of the rules that
/// match a cell takes every combination of their ways before it keeps the minimal ones, so
/// the work of a cell grows with the product of its rules' ways: 3 rules of 300 ways each
/// took minutes. Shipped: 6.
pub const MAX_WAYS_PER_RULE: usize = 16;

/// Jurisdictions (layers) in one rules tree: every layer is the end of a chain that is
/// resolved and written. Shipped: 53 (federal, 50 states, DC, an organization).
pub const MAX_LAYERS: usize = 512;

/// Layers in one chain, federal first. Every chain is resolved on its own, so the work of
/// a tree grows with layers times chain depth. Shipped: 3 (US › US-CA › an organization).
pub const MAX_CHAIN_DEPTH: usize = 16;

/// Rules in the longest chain of exceptions (a rule that is an exception to a rule that is
/// an exception to …). Shipped: 3. A guard: exceptions stay inside one layer, which holds
/// at most [`MAX_RULES_PER_LAYER`] rules.
pub const MAX_EXCEPTION_DEPTH: usize = 10_000;

/// Levels of the exception tree `explain --rule` prints; deeper levels are summarized
/// ("… N more levels"), so the output stays small whatever the chain. Each level nests
/// two JSON values, and common JSON readers stop at 128 (serde_json) nested values.
pub const MAX_EXPLAIN_DEPTH: usize = 50;

/// Members of an exception cycle named in its diagnostic; the rest are counted.
pub const MAX_CYCLE_MEMBERS_SHOWN: usize = 10;

/// Lines of one file's difference `fmt --check` computes line by line; beyond it the rest
/// of the file is reported as changed, so the check stays linear in the file's size.
pub const MAX_DIFF_LINES: usize = 2_000;

/// Dates after `--as-of` on which a rule of either tree takes effect or expires, that
/// `diff` compares the trees on (each resolves the chains that change that day again).
/// Beyond it `diff` refuses (exit 2) instead of passing on a part. Shipped: none after
/// 2026-11-24 (152 distinct dates in all, most in the past).
pub const MAX_LATER_DATES: usize = 256;
/// Dates `prove` resolves every chain on (each date on which a rule starts or ends).
pub const MAX_PROOF_DATES: usize = 512;
/// Assertions in one tree. Each is checked on every chain it names whenever that chain's
/// answers change (about 8 ms each on the shipped corpus, so 1,000 take about 9 s).
/// Shipped: 21 in `rules/assertions/` and those in state files.
pub const MAX_ASSERTIONS: usize = 1_000;
/// Failing boxes of cells `prove` keeps for one assertion, over all its chains and dates.
/// An assertion that fails almost everywhere (a bound no answer meets) would otherwise keep
/// one box per tuple, chain and date: gigabytes. Past this it is reported failed, with the
/// counterexamples found so far and `truncated`, and is not checked on further chains or
/// dates. Shipped: none fails.
pub const MAX_FAILING_BOXES: usize = 2_000;
/// Rules in one layer: they meet in the cells they share, and past this the check slows
/// with the square of their number (1,000 rules in one cell check in about 2 s).
pub const MAX_RULES_PER_LAYER: usize = 1_000;
/// Jurisdictions one question combines (`US-CA+US-NV`, a test naming several): each adds a
/// chain to resolve and meet.
pub const MAX_COMBINED_JURISDICTIONS: usize = 16;

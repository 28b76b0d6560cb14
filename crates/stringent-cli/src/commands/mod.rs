//! One module per command.

pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod coverage;
pub(crate) mod decide;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod export;
pub(crate) mod fmt;
pub(crate) mod report;
pub(crate) mod test;

//! Writing output: concurrent compiles, files the tool did not create, planted links,
//! failed writes.

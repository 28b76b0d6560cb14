//! Documented limits and scale: deep exception chains, costly vocabularies, long value
//! hierarchies and layer chains, huge or endless policy files.

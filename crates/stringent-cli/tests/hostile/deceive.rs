//! Input that could deceive a reviewer: bidirectional controls, terminal escapes, byte-order
//! marks, empty strings and names that collide.

//! Layer headers that try to escape the federal floor, and roots that hold no law.

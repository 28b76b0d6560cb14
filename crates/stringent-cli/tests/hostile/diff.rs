//! `diff` across vocabularies and revisions given as `git:REV`.

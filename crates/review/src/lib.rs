//! sarx-review (being built).

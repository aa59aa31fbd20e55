//! sarx-index (being built).

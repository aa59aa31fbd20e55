//! sarx-detect (being built).

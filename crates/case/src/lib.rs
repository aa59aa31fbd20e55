//! sarx-case (being built).

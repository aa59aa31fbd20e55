//! sarx-bundle (being built).

//! sarx-redact (being built).

//! The `sarx` command line (being built).
fn main() {}

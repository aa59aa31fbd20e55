//! sarx-crawl (being built).

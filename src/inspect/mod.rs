//! Reports on a file's structure (stub).

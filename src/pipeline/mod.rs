//! parse → decode → plan → encode → write (stub).

//! Integration tests: real HTTP and WebSocket traffic over loopback against a simulator started
//! in-process on 127.0.0.1:0. One test binary (modules below) to keep link time down.

mod auth;
mod binary;
mod body;
mod codes;
mod common;
mod faults;
mod presence;
mod vectors;

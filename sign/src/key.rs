//! Signing-key derivation (docs/spec/signing.md §8) and a small cache of derived keys.
//!
//! Deriving a key costs 16 SHA-256 blocks, more than half of a small request's signing cost,
//! and the key only changes with the date, so it is cached per (secret, date, region, service).
//! The cache is keyed by a SHA-256 of the secret, so it never holds the secret itself.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::cell::RefCell;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        unreachable!("HMAC takes any key length")
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC(secret, date), region), service), "request")`; the secret's
/// raw UTF-8 bytes, no prefix (unlike AWS's `"AWS4" + secret`).
pub fn derive_signing_key(secret: &str, short_date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(secret.as_bytes(), short_date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"request")
}

struct Entry {
    secret_hash: [u8; 32],
    short_date: [u8; 8],
    region: String,
    service: String,
    key: [u8; 32],
    /// HMAC keyed with `key`, its pad blocks already hashed: each signature clones it and
    /// saves two SHA-256 blocks.
    mac: HmacSha256,
}

const CACHE_SLOTS: usize = 4;

thread_local! {
    static CACHE: RefCell<(usize, Vec<Entry>)> = const { RefCell::new((0, Vec::new())) };
}

/// The signing key for this scope, derived once per (secret, date, region, service).
pub fn cached_signing_key(secret: &str, short_date: &str, region: &str, service: &str) -> [u8; 32] {
    cached(secret, short_date, region, service).0
}

/// `HMAC(kSigning, data)`, with the key's HMAC state taken from the cache.
pub fn sign_with_cached_key(
    secret: &str,
    short_date: &str,
    region: &str,
    service: &str,
    data: &[u8],
) -> [u8; 32] {
    let mut mac = cached(secret, short_date, region, service).1;
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn keyed(key: &[u8; 32]) -> HmacSha256 {
    let Ok(mac) = HmacSha256::new_from_slice(key) else {
        unreachable!("HMAC takes any key length")
    };
    mac
}

fn cached(secret: &str, short_date: &str, region: &str, service: &str) -> ([u8; 32], HmacSha256) {
    let secret_hash: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
    let date: [u8; 8] = match short_date.as_bytes().try_into() {
        Ok(d) => d,
        Err(_) => {
            let key = derive_signing_key(secret, short_date, region, service);
            return (key, keyed(&key));
        }
    };
    CACHE.with(|cell| {
        let (next, entries) = &mut *cell.borrow_mut();
        if let Some(e) = entries.iter().find(|e| {
            e.secret_hash == secret_hash
                && e.short_date == date
                && e.region == region
                && e.service == service
        }) {
            return (e.key, e.mac.clone());
        }
        let key = derive_signing_key(secret, short_date, region, service);
        let entry = Entry {
            secret_hash,
            short_date: date,
            region: region.to_owned(),
            service: service.to_owned(),
            key,
            mac: keyed(&key),
        };
        if entries.len() < CACHE_SLOTS {
            entries.push(entry);
        } else {
            entries[*next] = entry;
            *next = (*next + 1) % CACHE_SLOTS;
        }
        (key, keyed(&key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_equals_derived_across_many_scopes() {
        for day in 0..10 {
            let date = format!("202406{:02}", day + 1);
            for region in ["cn-north-1", "ap-southeast-1"] {
                let a = cached_signing_key("sk", &date, region, "rtc");
                let b = derive_signing_key("sk", &date, region, "rtc");
                assert_eq!(a, b);
                assert_eq!(cached_signing_key("sk", &date, region, "rtc"), b);
            }
        }
        assert_eq!(
            sign_with_cached_key("sk", "20240101", "r", "s", b"x"),
            hmac_sha256(&derive_signing_key("sk", "20240101", "r", "s"), b"x")
        );
        assert_ne!(
            cached_signing_key("sk1", "20240101", "r", "s"),
            cached_signing_key("sk2", "20240101", "r", "s")
        );
    }
}

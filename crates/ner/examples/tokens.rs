//! Tokenizes a file with the model's tokenizer and prints tokens, words and
//! the time taken (to tell tokenizing cost from inference cost).
//!
//! ```text
//! cargo run --release -p sarx-ner --example tokens -- FILE
//! ```

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let path = std::env::args().nth(1).ok_or("usage: tokens FILE")?;
    let text = std::fs::read_to_string(path)?;
    let dir = sarx_ner::default_dir().join(sarx_ner::MODEL_FOLDER);
    let tok = tokenizers::Tokenizer::from_file(dir.join("tokenizer.json"))?;
    let t0 = Instant::now();
    let enc = tok.encode(text.as_str(), false)?;
    let secs = t0.elapsed().as_secs_f64();
    let words = text.split_whitespace().count();
    println!(
        "{} tokens, {words} words ({:.2} tokens/word) in {secs:.3}s",
        enc.get_ids().len(),
        enc.get_ids().len() as f64 / words.max(1) as f64
    );
    Ok(())
}

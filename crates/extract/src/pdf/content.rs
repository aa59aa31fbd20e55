//! Text from a page's content stream: fonts decoded through their
//! `ToUnicode` CMaps or simple encodings, glyph widths for the end of each
//! run, Form XObjects followed with a depth limit and a cycle guard.

use super::*;

pub(super) fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

pub(super) type Matrix = [f32; 6];
pub(super) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

pub(super) fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

pub(super) fn matrix_of(ops: &[Object]) -> Option<Matrix> {
    let v: Vec<f32> = ops.iter().filter_map(num).collect();
    match v.as_slice() {
        [a, b, c, d, e, f] => Some([*a, *b, *c, *d, *e, *f]),
        _ => None,
    }
}

/// How to turn a font's codes into text and widths.
pub(super) struct Decoder<'d> {
    to_unicode: Option<ToUnicode>,
    encoding: Option<lopdf::Encoding<'d>>,
    /// Composite font: two-byte codes unless the CMap says otherwise.
    composite: bool,
    /// Codes are UCS-2 / UTF-16 (predefined Uni*-UCS2 / UTF16 CMaps).
    ucs2: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space → text space (1/1000, or a Type 3 font matrix).
    scale: f32,
}

impl<'d> Decoder<'d> {
    fn new(doc: &'d Document, font: &'d Dictionary, max_stream: usize) -> Self {
        let deref = |o: &'d Object| doc.dereference(o).ok().map(|(_, o)| o);
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let composite = subtype == b"Type0";
        let to_unicode = font
            .get(b"ToUnicode")
            .ok()
            .and_then(deref)
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.get_plain_content_with_limit(max_stream).ok())
            .map(|data| ToUnicode::parse(&data))
            .filter(|t| !t.map.is_empty());
        let enc_name = font
            .get(b"Encoding")
            .ok()
            .and_then(deref)
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let ucs2 = composite
            && enc_name.starts_with(b"Uni")
            && (enc_name.windows(4).any(|w| w == b"UCS2")
                || enc_name.windows(5).any(|w| w == b"UTF16"));
        let encoding = if composite || to_unicode.is_some() && font.get(b"Encoding").is_err() {
            None
        } else {
            font.get_font_encoding_with_limit(doc, max_stream).ok()
        };
        let mut widths = HashMap::new();
        let mut default_width = if composite { 1000.0 } else { 500.0 };
        let mut scale = 0.001;
        if composite {
            let desc = font
                .get(b"DescendantFonts")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(deref)
                .and_then(|o| o.as_dict().ok());
            if let Some(desc) = desc {
                if let Some(dw) = desc.get(b"DW").ok().and_then(num) {
                    default_width = dw;
                }
                if let Some(w) = desc
                    .get(b"W")
                    .ok()
                    .and_then(deref)
                    .and_then(|o| o.as_array().ok())
                {
                    let mut i = 0;
                    while i < w.len() {
                        let first = w.get(i).and_then(num).unwrap_or(0.0) as u32;
                        match w.get(i + 1).and_then(deref) {
                            Some(Object::Array(list)) => {
                                for (k, v) in list.iter().enumerate().take(65_536) {
                                    if let Some(v) = deref(v).and_then(num) {
                                        widths.insert(first + k as u32, v);
                                    }
                                }
                                i += 2;
                            }
                            Some(o) => {
                                let last = num(o).unwrap_or(0.0) as u32;
                                let v = w
                                    .get(i + 2)
                                    .and_then(deref)
                                    .and_then(num)
                                    .unwrap_or(default_width);
                                for c in first..=last.min(first.saturating_add(65_535)) {
                                    widths.insert(c, v);
                                }
                                i += 3;
                            }
                            None => break,
                        }
                    }
                }
            }
        } else {
            let first = font.get(b"FirstChar").ok().and_then(num).unwrap_or(0.0) as u32;
            if let Some(w) = font
                .get(b"Widths")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_array().ok())
            {
                for (k, v) in w.iter().enumerate().take(65_536) {
                    if let Some(v) = deref(v).and_then(num) {
                        widths.insert(first + k as u32, v);
                    }
                }
            }
            if subtype == b"Type3" {
                if let Some(m) = font
                    .get(b"FontMatrix")
                    .ok()
                    .and_then(deref)
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| matrix_of(a))
                {
                    scale = m[0].abs();
                }
            }
            if widths.is_empty() {
                let base = font
                    .get(b"BaseFont")
                    .and_then(Object::as_name)
                    .unwrap_or(b"");
                if base.windows(7).any(|w| w == b"Courier") {
                    default_width = 600.0;
                }
            }
        }
        Decoder {
            to_unicode,
            encoding,
            composite,
            ucs2,
            widths,
            default_width,
            scale,
        }
    }

    /// Decodes `bytes`, appending text to `out`; returns (total glyph
    /// advance in text space per unit font size, number of single-byte spaces).
    fn show(&self, bytes: &[u8], out: &mut String) -> (f32, usize) {
        let default_len = if self.composite { 2 } else { 1 };
        let mut i = 0;
        let mut advance = 0.0f32;
        let mut spaces = 0;
        while i < bytes.len() {
            let len = match &self.to_unicode {
                Some(t) => t.code_len(&bytes[i..], default_len),
                None => default_len,
            } as usize;
            let Some(code_bytes) = bytes.get(i..(i + len).min(bytes.len())) else {
                break;
            };
            let code = be(code_bytes);
            i += len.max(1);
            let w = self
                .widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width);
            advance += w * self.scale;
            if len == 1 && code == 32 {
                spaces += 1;
            }
            if let Some(t) = self
                .to_unicode
                .as_ref()
                .and_then(|t| t.map.get(&(len as u8, code)))
            {
                out.push_str(t);
            } else if self.ucs2 {
                out.push_str(&utf16be(code_bytes));
            } else if let Some(enc) = &self.encoding {
                let _ = enc.write_to_string(code_bytes, out);
            } else if !self.composite && self.to_unicode.is_none() {
                out.push(char::from(code_bytes.first().copied().unwrap_or(b' ')));
            }
        }
        (advance, spaces)
    }
}

#[derive(Default)]
pub(super) struct FontCache<'d> {
    by_key: HashMap<usize, Rc<Decoder<'d>>>,
}

/// The resource dictionaries in force, nearest first.
#[derive(Clone)]
pub(super) struct Res<'d> {
    dicts: Vec<&'d Dictionary>,
}

impl<'d> Res<'d> {
    fn lookup(
        &self,
        doc: &'d Document,
        category: &[u8],
        name: &[u8],
    ) -> Option<(&'d Object, Option<ObjectId>)> {
        for d in &self.dicts {
            let Some(cat) = d
                .get(category)
                .ok()
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok())
            else {
                continue;
            };
            if let Ok(o) = cat.get(name) {
                let id = o.as_reference().ok();
                if let Ok((_, obj)) = doc.dereference(o) {
                    return Some((obj, id));
                }
            }
        }
        None
    }
}

/// Graphics state saved by `q`: CTM, font, size, Tc, Tw, Tz, TL.
pub(super) type Saved<'d> = (Matrix, Option<Rc<Decoder<'d>>>, f32, f32, f32, f32, f32);

pub(super) struct TextState<'d> {
    ctm: Matrix,
    stack: Vec<Saved<'d>>,
    tm: Matrix,
    tlm: Matrix,
    font: Option<Rc<Decoder<'d>>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    /// End of the last run shown (device space) and its direction/size.
    last: Option<([f32; 2], [f32; 2], f32)>,
    /// Area the page's images cover (user space units, overlaps counted
    /// twice).
    image_area: f32,
}

impl TextState<'_> {
    fn new() -> Self {
        TextState {
            ctm: IDENTITY,
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
            last: None,
            image_area: 0.0,
        }
    }
}

/// Appends the text of one page; returns the content bytes read and the
/// area its images cover.
pub(super) fn page_text<'d>(
    doc: &'d Document,
    page: ObjectId,
    fonts: &mut FontCache<'d>,
    max_stream: usize,
    out: &mut String,
) -> lopdf::Result<(usize, f32)> {
    let content = doc.get_page_content_with_limit(page, max_stream)?;
    let (direct, ids) = doc.get_page_resources(page)?;
    let mut dicts = Vec::new();
    if let Some(d) = direct {
        dicts.push(d);
    }
    for id in ids {
        if let Ok(d) = doc.get_dictionary(id) {
            dicts.push(d);
        }
    }
    let res = Res { dicts };
    let mut st = TextState::new();
    let mut visiting = Vec::new();
    let mut read = content.len();
    run(
        doc,
        &content,
        &res,
        fonts,
        max_stream,
        &mut st,
        out,
        &mut visiting,
        &mut read,
    );
    Ok((read, st.image_area))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn run<'d>(
    doc: &'d Document,
    content: &[u8],
    res: &Res<'d>,
    fonts: &mut FontCache<'d>,
    max_stream: usize,
    st: &mut TextState<'d>,
    out: &mut String,
    visiting: &mut Vec<ObjectId>,
    read: &mut usize,
) {
    for op in lopdf::content::Content::decode_iter(content) {
        let Ok(op) = op else { break };
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => st.stack.push((
                st.ctm,
                st.font.clone(),
                st.size,
                st.char_spacing,
                st.word_spacing,
                st.hscale,
                st.leading,
            )),
            "Q" => {
                if let Some((ctm, font, size, cs, ws, hs, l)) = st.stack.pop() {
                    st.ctm = ctm;
                    st.font = font;
                    st.size = size;
                    st.char_spacing = cs;
                    st.word_spacing = ws;
                    st.hscale = hs;
                    st.leading = l;
                }
            }
            "cm" => {
                if let Some(m) = matrix_of(o) {
                    st.ctm = mul(&m, &st.ctm);
                }
            }
            "BT" => {
                st.tm = IDENTITY;
                st.tlm = IDENTITY;
            }
            "Tf" => {
                st.size = o.get(1).and_then(num).unwrap_or(st.size);
                let name = o.first().and_then(|n| n.as_name().ok()).unwrap_or(b"");
                st.font = res.lookup(doc, b"Font", name).and_then(|(obj, id)| {
                    let dict = obj.as_dict().ok()?;
                    let key = match id {
                        Some((n, g)) => ((n as usize) << 16) ^ g as usize ^ (1 << 62),
                        None => dict as *const Dictionary as usize,
                    };
                    Some(
                        fonts
                            .by_key
                            .entry(key)
                            .or_insert_with(|| Rc::new(Decoder::new(doc, dict, max_stream)))
                            .clone(),
                    )
                });
            }
            "Tc" => st.char_spacing = o.first().and_then(num).unwrap_or(0.0),
            "Tw" => st.word_spacing = o.first().and_then(num).unwrap_or(0.0),
            "Tz" => st.hscale = o.first().and_then(num).unwrap_or(100.0) / 100.0,
            "TL" => st.leading = o.first().and_then(num).unwrap_or(0.0),
            "Td" | "TD" => {
                let tx = o.first().and_then(num).unwrap_or(0.0);
                let ty = o.get(1).and_then(num).unwrap_or(0.0);
                if op.operator == "TD" {
                    st.leading = -ty;
                }
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &st.tlm);
                st.tm = st.tlm;
            }
            "Tm" => {
                if let Some(m) = matrix_of(o) {
                    st.tm = m;
                    st.tlm = m;
                }
            }
            "T*" => next_line(st),
            "Tj" => {
                if let Some(Object::String(s, _)) = o.first() {
                    show(st, s, out);
                }
            }
            "'" => {
                next_line(st);
                if let Some(Object::String(s, _)) = o.first() {
                    show(st, s, out);
                }
            }
            "\"" => {
                st.word_spacing = o.first().and_then(num).unwrap_or(st.word_spacing);
                st.char_spacing = o.get(1).and_then(num).unwrap_or(st.char_spacing);
                next_line(st);
                if let Some(Object::String(s, _)) = o.get(2) {
                    show(st, s, out);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = o.first() {
                    for item in items {
                        match item {
                            Object::String(s, _) => show(st, s, out),
                            other => {
                                if let Some(n) = num(other) {
                                    let tx = -n / 1000.0 * st.size * st.hscale;
                                    st.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &st.tm);
                                }
                            }
                        }
                    }
                }
            }
            "Do" => {
                let name = o.first().and_then(|n| n.as_name().ok()).unwrap_or(b"");
                let Some((obj, id)) = res.lookup(doc, b"XObject", name) else {
                    continue;
                };
                let Ok(stream) = obj.as_stream() else {
                    continue;
                };
                match stream.dict.get(b"Subtype").and_then(Object::as_name).ok() {
                    Some(b"Form") => {}
                    Some(b"Image") => {
                        // An image fills the unit square of the CTM.
                        let m = st.ctm;
                        let area = (m[0] * m[3] - m[1] * m[2]).abs();
                        if area.is_finite() {
                            st.image_area += area;
                        }
                        continue;
                    }
                    _ => continue,
                }
                let Some(id) = id else { continue };
                if visiting.len() >= MAX_FORM_DEPTH || visiting.contains(&id) {
                    continue;
                }
                form(
                    doc, stream, id, res, fonts, max_stream, st, out, visiting, read,
                );
            }
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn form<'d>(
    doc: &'d Document,
    stream: &'d Stream,
    id: ObjectId,
    parent: &Res<'d>,
    fonts: &mut FontCache<'d>,
    max_stream: usize,
    st: &mut TextState<'d>,
    out: &mut String,
    visiting: &mut Vec<ObjectId>,
    read: &mut usize,
) {
    // A form's content costs its size every time it is drawn: cap the total.
    if *read > max_stream {
        return;
    }
    let Ok(data) = stream.get_plain_content_with_limit(max_stream) else {
        return;
    };
    *read = read.saturating_add(data.len());
    let mut res = parent.clone();
    if let Some(d) = stream
        .dict
        .get(b"Resources")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
    {
        res.dicts.insert(0, d);
    }
    let saved = (st.ctm, st.tm, st.tlm);
    if let Some(m) = stream
        .dict
        .get(b"Matrix")
        .ok()
        .and_then(|o| o.as_array().ok())
        .and_then(|a| matrix_of(a))
    {
        st.ctm = mul(&m, &st.ctm);
    }
    visiting.push(id);
    run(doc, &data, &res, fonts, max_stream, st, out, visiting, read);
    visiting.pop();
    (st.ctm, st.tm, st.tlm) = saved;
}

pub(super) fn next_line(st: &mut TextState<'_>) {
    st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -st.leading], &st.tlm);
    st.tm = st.tlm;
}

pub(super) fn show(st: &mut TextState<'_>, s: &[u8], out: &mut String) {
    let Some(font) = st.font.clone() else { return };
    let m = mul(&st.tm, &st.ctm);
    let pos = [m[4], m[5]];
    let xlen = (m[0] * m[0] + m[1] * m[1]).sqrt().max(1e-6);
    let dir = [m[0] / xlen, m[1] / xlen];
    let size = (st.size.abs() * (m[2] * m[2] + m[3] * m[3]).sqrt()).max(0.1);
    if let Some((end, ldir, lsize)) = st.last {
        let d = [pos[0] - end[0], pos[1] - end[1]];
        let along = d[0] * ldir[0] + d[1] * ldir[1];
        let across = -d[0] * ldir[1] + d[1] * ldir[0];
        let em = lsize.max(size);
        if across.abs() > 0.6 * em || (dir[0] - ldir[0]).abs() + (dir[1] - ldir[1]).abs() > 0.1 {
            if !out.ends_with('\n') && !out.is_empty() {
                // Back to the same line's start region is still a new line.
                out.push('\n');
            }
        } else if (along > 0.15 * em || along < -0.5 * em)
            && !out.ends_with([' ', '\n', '\t', '\u{c}'])
            && !out.is_empty()
        {
            out.push(' ');
        }
    }
    let (advance, spaces) = font.show(s, out);
    let glyphs = s.len() / if font.composite { 2 } else { 1 };
    let tx =
        (advance * st.size + st.char_spacing * glyphs as f32 + st.word_spacing * spaces as f32)
            * st.hscale;
    st.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &st.tm);
    let m2 = mul(&st.tm, &st.ctm);
    st.last = Some(([m2[4], m2[5]], dir, size));
}

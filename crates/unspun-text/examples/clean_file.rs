//! Prints what `clean` keeps and sets aside for each file given.
fn main() {
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let c = unspun_text::clean(&text, None, None);
        println!("=== {path} title={:?}", c.title.map(|s| &text[s.range()]));
        for s in &c.removed {
            let t = &text[s.range()];
            println!("  - {:?}", t.chars().take(90).collect::<String>());
        }
    }
}

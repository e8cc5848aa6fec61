//! The rewrite tier on real prose: a text rewritten sentence by sentence in
//! other words is a `paraphrase`, an independent report of the same event
//! is not (the model is fetched on first use, like every command that
//! needs it).

use unspun_compare::{
    compare_with_meaning, Meaning, PairContext, PassageKind, Prepared, Relation, Thresholds,
};

const SOURCE: &str = "The central library in Dunmore reopened on Saturday, eleven months after \
a burst water main flooded its lower floor. \
More than forty thousand books were damaged in the flood, and about half of them could not be saved. \
The council spent 2.3 million pounds on repairs, most of it covered by insurance. \
Volunteers dried thousands of rare local newspapers page by page in a borrowed warehouse. \
The children's section has moved upstairs, away from the old basement rooms. \
A new pumping system will switch on automatically if water rises again. \
The head librarian said the staff had never stopped lending books from a temporary site. \
Visitors queued around the block before the doors opened at nine o'clock. \
The mayor cut a ribbon made from recycled library cards.";

/// The same facts in the same order, every sentence reworded.
const REWRITE: &str = "Dunmore's main library welcomed readers back on Saturday, nearly a year \
after a ruptured water pipe left its ground floor under water. \
Over 40,000 books were ruined by the flooding, and about half were beyond saving. \
Fixing the building cost the council £2.3m, with insurers paying most of the bill. \
Volunteers in a borrowed warehouse spent weeks drying rare old newspapers from the town one sheet at a time. \
Books for children are now kept upstairs, well away from the old basement. \
Fresh pumps will now start up on their own should the water come back. \
Staff never stopped lending books, working from a stopgap site, the chief librarian said. \
A long line of visitors had formed around the block ahead of the 9am opening. \
The mayor snipped a ribbon fashioned from recycled borrower cards.";

/// The same event, reported independently: other facts, other quotes.
const INDEPENDENT: &str = "Dunmore's library is open again. \
Residents returning on Saturday found a brighter building with a new café and longer opening hours. \
One pensioner said she had missed the reading group more than the books themselves. \
Local schools plan weekly visits from next month. \
The opposition group on the council questioned why the building had no flood defences before. \
A council spokesman said an inquiry into the original pipe failure would report in the spring. \
Staff are still cataloguing donations that arrived while the building was closed. \
Some of the donated books will be sold to raise money for a mobile library van. \
The library is open every day except Sunday.";

fn relation(
    a: &str,
    b: &str,
    meaning: &Meaning,
) -> Result<(Relation, usize), Box<dyn std::error::Error>> {
    let (pa, pb) = (Prepared::whole(a), Prepared::whole(b));
    let c = compare_with_meaning(
        &pa,
        &pb,
        PairContext::default(),
        &Thresholds::default(),
        Some(meaning),
    )?;
    let paraphrase_passages = c
        .passages
        .iter()
        .filter(|p| p.kind == PassageKind::Paraphrase)
        .count();
    Ok((c.relation, paraphrase_passages))
}

#[test]
fn a_free_rewrite_is_a_paraphrase_and_an_independent_report_is_not(
) -> Result<(), Box<dyn std::error::Error>> {
    let meaning = Meaning::load(None)?;
    assert!(
        meaning.calibration.rewrite_sentences > 0,
        "the tier is calibrated on"
    );
    let (rewrite, passages) = relation(SOURCE, REWRITE, &meaning)?;
    assert_eq!(rewrite, Relation::Paraphrase);
    assert!(passages > 0, "the aligned sentences are the evidence");
    let (independent, _) = relation(SOURCE, INDEPENDENT, &meaning)?;
    assert!(
        matches!(independent, Relation::SameStory | Relation::Unrelated),
        "{independent:?}"
    );
    Ok(())
}

#[test]
fn without_the_tier_the_rewrite_is_not_recognised() -> Result<(), Box<dyn std::error::Error>> {
    let mut meaning = Meaning::load(None)?;
    meaning.calibration.rewrite_sentences = 0;
    let (rewrite, _) = relation(SOURCE, REWRITE, &meaning)?;
    assert_ne!(rewrite, Relation::Paraphrase);
    Ok(())
}

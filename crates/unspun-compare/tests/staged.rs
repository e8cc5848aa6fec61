//! The staged comparison a corpus scan runs: what it asks the full model for,
//! and that finishing a pair after the batch gives what one call gives.

use unspun_compare::meaning::Plan;
use unspun_compare::{
    compare, compare_cached, compare_staged, compare_with_meaning, Meaning, PairContext, Prepared,
    Relation, Sentences, SentencesCell, Staged, Thresholds,
};

/// Two sentences of this text are copied word for word into `REWRITE`; the
/// other four are spun.
const ORIGINAL: &str =
    "Chinese President Xi Jinping has arrived in Moscow for a three-day state visit. \
It is his first trip to Russia since the invasion of Ukraine began last year. \
Mr Xi said he expected the talks with President Vladimir Putin to be fruitful and productive. \
The Kremlin said the two leaders would discuss a Chinese peace plan for the war. \
Western governments have dismissed the plan as a way to freeze Russian gains. \
Officials in Kyiv said they had not been consulted about the proposal.";

const REWRITE: &str =
    "Chinese President Xi Jinping has arrived in Moscow for a three-day state visit. \
It marks his first journey to Russia since the assault on Ukraine started a year ago. \
Mr Xi said he expected the talks with President Vladimir Putin to be fruitful and productive. \
According to the Kremlin, both presidents would talk about a peace proposal from Beijing. \
Capitals in the West have rejected the proposal as a means of locking in Moscow's advances. \
Ukrainian authorities stated that nobody had asked their opinion on the scheme.";

const COPIED: [&str; 2] = [
    "Chinese President Xi Jinping has arrived in Moscow for a three-day state visit.",
    "Mr Xi said he expected the talks with President Vladimir Putin to be fruitful and productive.",
];

#[test]
fn sentences_copied_verbatim_are_not_given_to_the_model() -> Result<(), Box<dyn std::error::Error>>
{
    let meaning = Meaning::load(None)?;
    let (a, b) = (Prepared::whole(ORIGINAL), Prepared::whole(REWRITE));
    let c = compare(&a, &b, PairContext::default(), &Thresholds::default());
    assert!(!c.relation.is_copy(), "{:?}", c.relation);
    assert!(
        !c.passages.is_empty(),
        "the copied sentences are verbatim passages"
    );
    let (sa, sb) = (Sentences::of(&a, &meaning), Sentences::of(&b, &meaning));
    let plan = Plan::new(&a, &b, &sa, &sb, &c.passages, &meaning);
    let asked = plan.model_sentences(&a, &b, &sa, &sb);
    assert!(
        plan.runs_model(),
        "half the text is spun: a paraphrase is possible"
    );
    for copied in COPIED {
        assert!(
            !asked.contains(&copied),
            "the model was asked for {copied:?}"
        );
    }
    assert!(
        asked
            .iter()
            .any(|s| s.starts_with("According to the Kremlin")),
        "the spun sentences still go to the model: {asked:?}"
    );
    Ok(())
}

#[test]
fn a_staged_pair_finishes_as_one_call_would() -> Result<(), Box<dyn std::error::Error>> {
    let (a, b) = (Prepared::whole(ORIGINAL), Prepared::whole(REWRITE));
    let (ctx, th) = (PairContext::default(), Thresholds::default());
    // One call, on a model with nothing cached.
    let whole = compare_with_meaning(&a, &b, ctx, &th, Some(&Meaning::load(None)?))?;
    assert!(whole.scores.semantic.is_some(), "the meaning layer ran");
    assert_ne!(whole.relation, Relation::Unrelated);
    // Staged, on another fresh model: the batch, then the second pass.
    let meaning = Meaning::load(None)?;
    // The second pass reuses the sentences the first one made.
    let cells = [&SentencesCell::new(), &SentencesCell::new()];
    match compare_staged(&a, &b, ctx, &th, Some(&meaning), cells)? {
        Staged::NeedsModel(sentences) => {
            assert!(cells.iter().all(|c| c.get().is_some()));
            meaning.full(&sentences)?;
            let finished = compare_cached(&a, &b, ctx, &th, Some(&meaning), cells)?;
            assert_eq!(finished, whole);
        }
        Staged::Done(c) => panic!("a half-spun text needs the model, got {:?}", c.relation),
    }
    // Without the meaning layer every pair is done in the first pass.
    match compare_staged(&a, &b, ctx, &th, None, cells)? {
        Staged::Done(c) => assert_eq!(c, compare(&a, &b, ctx, &th)),
        Staged::NeedsModel(_) => panic!("no model, nothing to ask it"),
    }
    Ok(())
}

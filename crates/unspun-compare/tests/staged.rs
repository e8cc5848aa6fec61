//! The staged comparison a corpus scan runs: what it asks the full model for,
//! and that finishing a pair after the batch gives what one call gives.

use unspun_compare::meaning::Plan;
use unspun_compare::{
    compare, compare_cached, compare_staged, compare_with_meaning, Comparison, Meaning,
    PairContext, Prepared, Relation, Sentences, SentencesCell, Staged, Thresholds,
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

/// The texts one round asks the model for.
type Batch = Vec<String>;

/// Stages the pair until it is done, embedding what each round asks for;
/// returns the comparison and the batches asked.
fn staged_rounds(
    a: &Prepared,
    b: &Prepared,
    meaning: &Meaning,
) -> Result<(Comparison, Vec<Batch>), Box<dyn std::error::Error>> {
    let (ctx, th) = (PairContext::default(), Thresholds::default());
    let cells = [&SentencesCell::new(), &SentencesCell::new()];
    let mut batches = Vec::new();
    loop {
        match compare_staged(a, b, ctx, &th, Some(meaning), cells)? {
            Staged::Done(c) => return Ok((c, batches)),
            Staged::NeedsModel(texts) => {
                assert!(batches.len() < 2, "a pair needs at most two batches");
                meaning.full(&texts.iter().map(String::as_str).collect::<Vec<_>>())?;
                batches.push(texts);
            }
        }
    }
}

#[test]
fn a_staged_pair_finishes_as_one_call_would() -> Result<(), Box<dyn std::error::Error>> {
    let (a, b) = (Prepared::whole(ORIGINAL), Prepared::whole(REWRITE));
    let (ctx, th) = (PairContext::default(), Thresholds::default());
    // One call, on a model with nothing cached.
    let whole = compare_with_meaning(&a, &b, ctx, &th, Some(&Meaning::load(None)?))?;
    assert!(whole.scores.semantic.is_some(), "the meaning layer ran");
    assert_ne!(whole.relation, Relation::Unrelated);
    // Staged, on another fresh model: a batch, then the pair again.
    let meaning = Meaning::load(None)?;
    let (staged, batches) = staged_rounds(&a, &b, &meaning)?;
    assert_eq!(staged, whole);
    assert!(!batches.is_empty(), "a half-spun text needs the model");
    // The second pass reuses the sentences the first one made; with the
    // vectors cached a pair is done at once.
    let cells = [&SentencesCell::new(), &SentencesCell::new()];
    let cached = compare_cached(&a, &b, ctx, &th, Some(&meaning), cells)?;
    assert_eq!(cached, whole);
    assert!(cells.iter().all(|c| c.get().is_some()));
    match compare_staged(&a, &b, ctx, &th, Some(&meaning), cells)? {
        Staged::Done(c) => assert_eq!(c, whole),
        Staged::NeedsModel(t) => panic!("everything is cached, yet it asks for {t:?}"),
    }
    // Without the meaning layer every pair is done in the first pass.
    match compare_staged(&a, &b, ctx, &th, None, cells)? {
        Staged::Done(c) => assert_eq!(c, compare(&a, &b, ctx, &th)),
        Staged::NeedsModel(_) => panic!("no model, nothing to ask it"),
    }
    Ok(())
}

#[test]
fn the_lead_tier_is_a_second_batch() -> Result<(), Box<dyn std::error::Error>> {
    // Two reports of one event in different words: no verbatim passage.
    let (a, b) = (Prepared::whole(ORIGINAL), Prepared::whole(OTHER_REPORT));
    let every_story = |mut m: Meaning| {
        m.calibration.story_band = [0.0, 1.0];
        m
    };
    let (ctx, th) = (PairContext::default(), Thresholds::default());
    let whole = compare_with_meaning(&a, &b, ctx, &th, Some(&every_story(Meaning::load(None)?)))?;
    let meaning = every_story(Meaning::load(None)?);
    let (staged, batches) = staged_rounds(&a, &b, &meaning)?;
    assert_eq!(staged, whole);
    let last = batches.last().map(Vec::as_slice).unwrap_or_default();
    assert_eq!(
        last.len(),
        4,
        "two leads and two first sentences: {batches:?}"
    );
    assert!(last[2].starts_with("Chinese President Xi Jinping has arrived"));
    assert!(last[3].starts_with("Xi Jinping landed in Moscow"));
    Ok(())
}

/// Another outlet's report of the event in `ORIGINAL`.
const OTHER_REPORT: &str = "Xi Jinping landed in Moscow on Monday at the start of a visit that \
the Kremlin called a milestone for both countries. \
The Chinese leader is expected to hold two days of talks with Vladimir Putin. \
Beijing has presented itself as a neutral party in the conflict in Ukraine. \
Kyiv and its allies have greeted the Chinese proposals with suspicion.";

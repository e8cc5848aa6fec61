//! The lead tier of the story score on real news prose (the model is
//! fetched on first use, like every command that needs it).

use unspun_compare::lead::{lead_features, lead_text};
use unspun_compare::meaning::align_meaning;
use unspun_compare::{Meaning, Prepared, Sentences};

const MOSCOW_BBC: &str =
    "Chinese President Xi Jinping has arrived in Moscow for a three-day state visit. \
It is his first trip to Russia since the invasion of Ukraine. \
Mr Xi said he expected the talks with President Vladimir Putin to be fruitful. \
The Kremlin said the two leaders would discuss a Chinese peace plan.";

const MOSCOW_AP: &str = "Xi Jinping landed in Moscow on Monday for talks with Vladimir Putin, \
his first visit to Russia since the war in Ukraine began. \
Beijing has presented itself as a neutral party and proposed a peace plan. \
Western officials have said the plan would only freeze the conflict.";

const ORCHID: &str =
    "A rare orchid thought extinct in the region has been found growing on a rooftop garden. \
Botanists confirmed the find after a volunteer posted photographs online. \
The garden's owners said they had no idea the plant was there.";

#[test]
fn a_lead_is_whole_sentences_within_its_bytes_and_never_empty(
) -> Result<(), Box<dyn std::error::Error>> {
    let meaning = Meaning::load(None)?;
    let p = Prepared::whole(MOSCOW_BBC);
    let s = Sentences::of(&p, &meaning);
    assert_eq!(s.len(), 4);
    let two = lead_text(&p, &s, 150);
    assert_eq!(
        two,
        "Chinese President Xi Jinping has arrived in Moscow for a three-day state visit. \
It is his first trip to Russia since the invasion of Ukraine."
    );
    // A first sentence longer than the budget is still the lead.
    assert_eq!(
        lead_text(&p, &s, 10),
        "Chinese President Xi Jinping has arrived in Moscow for a three-day state visit."
    );
    assert_eq!(lead_text(&p, &s, 10_000).len(), MOSCOW_BBC.len());
    Ok(())
}

#[test]
fn leads_of_one_event_are_closer_than_leads_of_two() -> Result<(), Box<dyn std::error::Error>> {
    let meaning = Meaning::load(None)?;
    let (bbc, ap, orchid) = (
        Prepared::whole(MOSCOW_BBC),
        Prepared::whole(MOSCOW_AP),
        Prepared::whole(ORCHID),
    );
    let (sb, sa, so) = (
        Sentences::of(&bbc, &meaning),
        Sentences::of(&ap, &meaning),
        Sentences::of(&orchid, &meaning),
    );
    let same = lead_features(&bbc, &ap, &sb, &sa, &meaning, 500)?.ok_or("no sentences")?;
    let other = lead_features(&bbc, &orchid, &sb, &so, &meaning, 500)?.ok_or("no sentences")?;
    assert!(same.lead > other.lead + 0.3, "{same:?} vs {other:?}");
    assert!(same.first > other.first + 0.3, "{same:?} vs {other:?}");
    let empty = Prepared::whole("");
    let se = Sentences::of(&empty, &meaning);
    assert_eq!(lead_features(&bbc, &empty, &sb, &se, &meaning, 500)?, None);
    Ok(())
}

#[test]
fn the_lead_tier_decides_exactly_the_pairs_in_the_band() -> Result<(), Box<dyn std::error::Error>> {
    let mut meaning = Meaning::load(None)?;
    let (bbc, ap) = (Prepared::whole(MOSCOW_BBC), Prepared::whole(MOSCOW_AP));
    let (sb, sa) = (Sentences::of(&bbc, &meaning), Sentences::of(&ap, &meaning));
    meaning.calibration.story_band = [0.0, 1.0];
    let with = align_meaning(&bbc, &ap, &sb, &sa, &[], &meaning)?;
    let lead = with.lead.ok_or("the band covers every story")?;
    let expected = 1.0
        / (1.0
            + (-lead
                .vector()
                .iter()
                .zip(&meaning.calibration.story_lead)
                .map(|(x, w)| x * w)
                .sum::<f64>())
            .exp());
    assert!((with.story - expected).abs() < 1e-12);
    meaning.calibration.story_band = [1.0, 0.0];
    let without = align_meaning(&bbc, &ap, &sb, &sa, &[], &meaning)?;
    assert_eq!(without.lead, None);
    assert_eq!(without.features.doc_cosine, with.features.doc_cosine);
    Ok(())
}

//! Texts the meaning layer cannot read. The model reads English: a pair with
//! a text in another language keeps its lexical relation, with a note,
//! instead of the model's guess (two unrelated Czech reports came out
//! `same_story`, story 0.91, before). A text with no words gets a note too.

use unspun_compare::{
    compare_with_meaning, Meaning, Note, PairContext, Prepared, Relation, Thresholds,
};

const STORM_CS: &str = "Včera večer se nad Prahou přehnala silná bouřka. Meteorologové varovali \
před přívalovými dešti už od rána. V několika ulicích spadly stromy na zaparkovaná auta. Hasiči \
vyjížděli k více než stovce událostí. Na Vltavě stoupla hladina o půl metru. Dopravní podnik musel \
přerušit provoz tramvají v centru. Nikdo nebyl vážně zraněn, uvedli záchranáři.";

const FOOTBALL_CS: &str = "Fotbalisté Slavie porazili v sobotu Plzeň dva k jedné. Rozhodující gól \
vstřelil útočník v poslední minutě zápasu. Trenér po utkání ocenil bojovnost svých hráčů. Stadion \
byl vyprodaný už týden předem. Fanoušci oslavovali vítězství až do pozdních nočních hodin. Plzeň \
zůstává v tabulce na třetím místě. Příští kolo čeká Slavii těžký zápas venku.";

const STORM_EN: &str = "A violent storm swept over Prague last night after forecasters had warned \
of flash floods since the morning. Trees fell on parked cars in several streets, and firefighters \
were called out to more than a hundred incidents. The Vltava rose by half a metre and the transport \
company had to stop trams in the centre. Nobody was seriously hurt, rescuers said.";

#[test]
fn texts_in_another_language_keep_their_lexical_relation_with_a_note(
) -> Result<(), Box<dyn std::error::Error>> {
    let meaning = Meaning::load(None)?;
    let compare = |a: &str, b: &str| {
        compare_with_meaning(
            &Prepared::whole(a),
            &Prepared::whole(b),
            PairContext::default(),
            &Thresholds::default(),
            Some(&meaning),
        )
    };
    let czech = compare(STORM_CS, FOOTBALL_CS)?;
    assert_eq!(czech.relation, Relation::Unrelated);
    assert_eq!(czech.note, Some(Note::NotEnglish));
    assert_eq!((czech.scores.semantic, czech.scores.story), (None, None));
    // One side is enough: the model cannot read the other.
    let mixed = compare(STORM_EN, STORM_CS)?;
    assert_eq!(mixed.note, Some(Note::NotEnglish));
    // English prose is read as before.
    let english = compare(
        STORM_EN,
        STORM_EN.replace("last night", "on Monday night").as_str(),
    )?;
    assert_eq!(english.note, None);
    Ok(())
}

#[test]
fn short_texts_are_too_short_to_tell_and_count_as_english() {
    assert!(Prepared::whole("Stocks fell sharply in Tokyo today.").reads_as_english());
    assert!(Prepared::whole("Bouřka nad Prahou.").reads_as_english());
    assert!(!Prepared::whole(STORM_CS).reads_as_english());
    assert!(Prepared::whole(STORM_EN).reads_as_english());
}

#[test]
fn a_text_with_no_words_is_unrelated_with_a_note() -> Result<(), Box<dyn std::error::Error>> {
    let meaning = Meaning::load(None)?;
    for empty in ["", "  \n\n ", "... --- !!!"] {
        for with in [Some(&meaning), None] {
            let c = compare_with_meaning(
                &Prepared::whole(empty),
                &Prepared::whole(STORM_EN),
                PairContext::default(),
                &Thresholds::default(),
                with,
            )?;
            assert_eq!(c.relation, Relation::Unrelated);
            assert_eq!(c.note, Some(Note::Empty), "{empty:?}");
            assert_eq!((c.scores.semantic, c.scores.story), (None, None));
        }
    }
    Ok(())
}

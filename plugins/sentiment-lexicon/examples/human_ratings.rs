//! Pearson correlation of compound scores with human ratings, for pure VADER
//! and for the news layer, on the rated sentences that ship in the
//! vaderSentiment source distribution (Hutto & Gilbert 2014, MIT):
//!
//! ```text
//! pip download --no-deps --no-binary :all: vaderSentiment==3.3.2 -d /tmp/vs
//! tar xzf /tmp/vs/vaderSentiment-3.3.2.tar.gz -C /tmp/vs
//! tar xzf /tmp/vs/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz -C /tmp/vs
//! cargo run --release -p newslens-sentiment-lexicon --example human_ratings -- /tmp/vs/hutto_ICWSM_2014
//! ```

use newslens_sentiment_lexicon::Scorer;

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("the hutto_ICWSM_2014 folder");
    let (vader, news) = (Scorer::vader(), Scorer::news());
    for name in [
        "nytEditorialSnippets",
        "tweets",
        "movieReviewSnippets",
        "amazonReviewSnippets",
    ] {
        let path = format!("{dir}/{name}_GroundTruth.txt");
        let Ok(text) = std::fs::read(&path) else {
            println!("skipped: {path} not found");
            continue;
        };
        let text = String::from_utf8_lossy(&text);
        let (mut human, mut v, mut n) = (Vec::new(), Vec::new(), Vec::new());
        for line in text.lines() {
            let mut fields = line.splitn(3, '\t');
            let (Some(_), Some(rating), Some(sentence)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let Ok(rating) = rating.trim().parse::<f64>() else {
                continue;
            };
            human.push(rating);
            v.push(vader.score(sentence).compound);
            n.push(news.score(sentence).compound);
        }
        println!(
            "{name}: {} rated sentences; Pearson r with human ratings: vader {:.4}, news {:.4}",
            human.len(),
            pearson(&v, &human),
            pearson(&n, &human)
        );
    }
}

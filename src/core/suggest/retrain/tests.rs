use super::*;
use crate::core::suggest::synthetic::Generator;
use crate::core::suggest::wire::decode_model;
use crate::core::suggest::Recommenders;

#[test]
fn a_pause_in_the_edits_makes_a_retrain_due() {
    let mut d = Debounce::new(1_500.0, 10_000.0);
    assert!(!d.due(0.0) && !d.is_pending());
    assert_eq!(d.edit(0.0), 1_500.0);
    assert_eq!(d.edit(1_000.0), 2_500.0);
    assert!(!d.due(2_499.0));
    assert!(d.due(2_500.0));
    // Due once: the burst is done.
    assert!(!d.due(2_600.0) && !d.is_pending());
}

#[test]
fn a_stream_of_edits_still_retrains_after_the_longest_wait() {
    let mut d = Debounce::new(1_500.0, 10_000.0);
    let mut fired = Vec::new();
    for t in (0..25_000).step_by(500) {
        let t = f64::from(t);
        if d.due(t) {
            fired.push(t);
        }
        d.edit(t);
    }
    assert_eq!(fired, vec![10_000.0, 20_000.0]);
}

fn corpus(seed: u64, n: usize) -> Vec<crate::core::model::Document> {
    Generator::new(seed, 50).corpus(n, 1_500, 10)
}

fn message(seq: u32, docs: &[crate::core::model::Document]) -> Vec<u8> {
    let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
    train_message(seq, &samples, &Gazetteer::default(), &Config::default())
}

fn run(job: &mut Job, budget: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut t = 0.0;
    while job.is_busy() {
        t += 1.0;
        out.extend(job.work(budget, t));
    }
    out
}

#[test]
fn a_newer_snapshot_supersedes_the_one_in_training() {
    let (old, new) = (corpus(1, 6), corpus(2, 8));
    let mut job = Job::default();
    assert!(job.receive(&message(1, &old), 0.0).is_none());
    for _ in 0..5 {
        assert!(job.work(300, 1.0).is_none(), "not done in 5 small slices");
    }
    assert!(job.receive(&message(2, &new), 2.0).is_none());
    // A late message about an older snapshot changes nothing.
    assert!(job.receive(&message(1, &old), 3.0).is_none());
    assert!(job.receive(&cancel_message(1), 3.0).is_none());
    assert_eq!(job.training(), Some(2));
    let replies = run(&mut job, 300);
    assert_eq!(replies.len(), 1, "only the newest snapshot's model");
    let FromWorker::Trained {
        seq,
        ms,
        model,
        quality,
    } = FromWorker::decode(&replies[0]).unwrap()
    else {
        panic!("not a model");
    };
    assert_eq!(seq, 2);
    assert!(ms > 0.0);
    assert_eq!(quality, None, "not asked to measure");
    let samples: Vec<Sample> = new.iter().map(Sample::from).collect();
    let want = Recommenders::train(&samples, &Gazetteer::default(), &Config::default());
    let held = Generator::new(3, 50).document("held", 2_000, 10);
    assert_eq!(
        decode_model(model)
            .unwrap()
            .suggest(&held.text, &held.annotations),
        want.suggest(&held.text, &held.annotations)
    );
}

#[test]
fn a_cancelled_snapshot_sends_nothing_back() {
    let mut job = Job::default();
    job.receive(&message(4, &corpus(1, 4)), 0.0);
    assert!(matches!(
        job.progress(),
        Some(FromWorker::Progress { seq: 4, .. })
    ));
    job.receive(&cancel_message(4), 1.0);
    assert_eq!(job.training(), None);
    assert!(run(&mut job, 1_000).is_empty());
}

#[test]
fn a_bad_message_is_answered_with_failed() {
    let mut job = Job::default();
    let reply = job
        .receive(&[TO_TRAIN, 1, b'X', b'X', b'X', b'X'], 0.0)
        .expect("a reply");
    let FromWorker::Failed { message, .. } = FromWorker::decode(&reply).unwrap() else {
        panic!("not a failure");
    };
    assert!(message.contains("not a training snapshot"), "{message}");
    assert!(job.receive(&[99], 0.0).is_some());
    assert_eq!(job.training(), None);
}

#[test]
fn messages_from_the_worker_round_trip() {
    let model = [1u8, 2, 3, 250];
    for m in [
        FromWorker::Ready,
        FromWorker::Progress {
            seq: 3,
            fraction: 0.25,
        },
        FromWorker::Trained {
            seq: 9,
            ms: 12.5,
            quality: None,
            model: &model,
        },
        FromWorker::Trained {
            seq: 10,
            ms: 1.0,
            quality: Some(crate::core::suggest::eval::Quality {
                documents: 2,
                ..Default::default()
            }),
            model: &model,
        },
        FromWorker::Predicted {
            request: 4,
            model: 9,
            ms: 3.5,
            suggestions: Vec::new(),
        },
        FromWorker::Failed {
            seq: 1,
            message: "no".into(),
        },
    ] {
        assert_eq!(FromWorker::decode(&m.encode()).unwrap(), m);
    }
    assert!(FromWorker::decode(&[FROM_READY, 0]).is_err());
    assert!(FromWorker::decode(&[]).is_err());
}

#[test]
fn the_page_keeps_only_the_newest_snapshots_model() {
    let mut l = Latest::default();
    let a = l.next_seq();
    let b = l.next_seq();
    assert!(!l.is_current(a) && l.is_current(b));
}

fn predicted(reply: &[u8]) -> (u32, u32, Vec<crate::core::suggest::Suggestion>) {
    match FromWorker::decode(reply).unwrap() {
        FromWorker::Predicted {
            request,
            model,
            suggestions,
            ..
        } => (request, model, suggestions),
        other => panic!("not a prediction: {other:?}"),
    }
}

#[test]
fn the_worker_predicts_with_the_model_it_trained_and_the_newest_request_wins() {
    let docs = corpus(1, 8);
    let mut job = Job::default();
    // No model yet: the reply says so, with nothing in it.
    job.receive(&predict_message(1, "Officials in Kyiv."), 0.0);
    let (request, model, s) = predicted(&job.work(300, 1.0).expect("a reply"));
    assert_eq!((request, model, s.len()), (1, 0, 0));
    job.receive(&message(5, &docs), 0.0);
    run(&mut job, 300);
    assert_eq!(job.model_seq(), Some(5));
    let samples: Vec<Sample> = docs.iter().map(Sample::from).collect();
    let want = Recommenders::train(&samples, &Gazetteer::default(), &Config::default());
    let a = Generator::new(3, 50).document("a", 20_000, 10);
    let b = Generator::new(4, 50).document("b", 20_000, 10);
    // Two requests, the second while the first is half done: only the second is answered.
    job.receive(&predict_message(2, &a.text), 2.0);
    assert!(
        job.work(300, 3.0).is_none(),
        "a 20 KB text takes more than one step"
    );
    job.receive(&predict_message(3, &b.text), 4.0);
    // A late, older request changes nothing.
    job.receive(&predict_message(2, &a.text), 4.0);
    let mut replies = Vec::new();
    while job.is_busy() {
        replies.extend(job.work(300, 5.0));
    }
    assert_eq!(replies.len(), 1);
    let (request, model, s) = predicted(&replies[0]);
    assert_eq!((request, model), (3, 5));
    let mut learned = want.learned(&b.text);
    learned.sort_by(crate::core::suggest::layer::place_cmp);
    assert_eq!(s, learned);
    assert!(s.len() > 20, "{}", s.len());
}

#[test]
fn a_prediction_goes_before_the_training_in_progress() {
    let mut job = Job::default();
    job.receive(&message(1, &corpus(1, 6)), 0.0);
    run(&mut job, 300);
    job.receive(&message(2, &corpus(2, 30)), 1.0);
    job.receive(&predict_message(1, "Officials in Kyiv said so."), 1.0);
    // The first slice answers the prediction, with the model there is (snapshot 1).
    let (request, model, _) = predicted(&job.work(300, 2.0).expect("the prediction first"));
    assert_eq!((request, model), (1, 1));
    assert_eq!(job.training(), Some(2));
}

#[test]
fn the_worker_measures_the_model_on_the_held_out_documents() {
    let mut docs = corpus(1, 10);
    for d in &mut docs[..5] {
        d.meta.status = crate::core::model::Status::Done;
    }
    let s = crate::core::suggest::split::split(&docs);
    assert!(!s.held_out.is_empty());
    let train = s.train_samples(&docs);
    let held = s.held_out_samples(&docs);
    let mut job = Job::default();
    job.receive(
        &train_measured_message(
            7,
            &train,
            &held,
            0.3,
            &Gazetteer::default(),
            &Config::default(),
        ),
        0.0,
    );
    let replies = run(&mut job, 300);
    assert_eq!(replies.len(), 1);
    let FromWorker::Trained { seq, quality, .. } = FromWorker::decode(&replies[0]).unwrap() else {
        panic!("not a model");
    };
    assert_eq!(seq, 7);
    let model = Recommenders::train(&train, &Gazetteer::default(), &Config::default());
    let want = crate::core::suggest::split::held_out_quality(&model, &docs, &s, 0.3);
    assert_eq!(quality, want);
    assert_eq!(quality.unwrap().documents, held.len());
}

#[test]
fn a_bad_prediction_request_is_answered_with_failed() {
    let mut job = Job::default();
    let mut bytes = predict_message(1, "Kyiv");
    bytes.push(0);
    let reply = job.receive(&bytes, 0.0).expect("a reply");
    assert!(matches!(
        FromWorker::decode(&reply).unwrap(),
        FromWorker::Failed { .. }
    ));
    assert!(!job.is_busy());
}

//! Golden cases from published worked examples, and the engine's invariants as properties.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

const DAY: i64 = 86_400;
/// 2021-01-01T00:00:00Z.
const Y2021: i64 = 1_609_459_200;

fn amount(text: &str) -> Amount {
    text.parse().expect("amount")
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

fn entry(
    id: i64,
    at: i64,
    account: i64,
    asset: &str,
    qty: &str,
    kind: EntryKind,
    value: Option<&str>,
) -> LotEntry {
    LotEntry {
        id,
        at,
        account: AccountId::new(account),
        asset: asset.into(),
        fiat: asset == "usd" || asset == "eur",
        amount: amount(qty),
        kind,
        value: value.map(dec),
        link: None,
    }
}

fn buy(id: i64, day: i64, qty: &str, cost: &str) -> LotEntry {
    entry(
        id,
        Y2021 + day * DAY,
        1,
        "bitcoin",
        qty,
        EntryKind::Buy,
        Some(cost),
    )
}

fn sell(id: i64, day: i64, qty: &str, proceeds: &str) -> LotEntry {
    entry(
        id,
        Y2021 + day * DAY,
        1,
        "bitcoin",
        &format!("-{qty}"),
        EntryKind::Sell,
        Some(proceeds),
    )
}

fn realized(book: &LotBook) -> Decimal {
    book.disposals.iter().filter_map(Disposal::gain).sum()
}

fn run(entries: &[LotEntry], method: Method) -> LotBook {
    book(entries, method, Scope::PerAccount).expect("fits")
}

/// Accointing's "crypto cost basis" guide (quoted on bitcointalk, 2023-04-10, "Examples of
/// using each cost basis accounting method"): five BTC bought at 10,000, 12,000, 9,000, 15,000
/// and 18,000 from January to May 2021; three sold on 1 September 2021 for 60,000. FIFO gains
/// 29,000, LIFO 18,000, HIFO 15,000. Average cost (64,000 / 5 = 12,800 each) gains 21,600.
#[test]
fn accointing_five_lots_by_each_method() {
    let entries = vec![
        buy(1, 0, "1", "10000"),
        buy(2, 31, "1", "12000"),
        buy(3, 59, "1", "9000"),
        buy(4, 90, "1", "15000"),
        buy(5, 120, "1", "18000"),
        sell(6, 243, "3", "60000"),
    ];
    for (method, gain, left) in [
        (Method::Fifo, "29000", "33000"),
        (Method::Lifo, "18000", "22000"),
        (Method::Hifo, "15000", "19000"),
        (Method::Average, "21600", "25600"),
    ] {
        let book = run(&entries, method);
        assert_eq!(realized(&book), dec(gain), "{method:?}");
        let cost_left: Decimal = book.open.iter().filter_map(|l| l.cost).sum();
        assert_eq!(cost_left, dec(left), "{method:?}");
        let held: Decimal = book.open.iter().map(|l| l.amount.to_decimal()).sum();
        assert_eq!(held, dec("2"), "{method:?}");
    }
}

/// Recap's US tax guide, "Cost basis methods": Dave buys 1 BTC for 2,000 (2017-09-22), 2 for
/// 5,000 (2018-01-06), 1 for 8,000 (2018-04-19), and sells 1 on 2018-05-03 for 4,000: FIFO
/// +2,000, LIFO -4,000, HIFO -4,000.
#[test]
fn recap_dave_sells_one_of_four() {
    let at = |y: i64, m: u32, d: u32| crate::clock::days_from_civil(y, m, d) * DAY;
    let row =
        |id, at, qty: &str, value: &str, kind| entry(id, at, 1, "bitcoin", qty, kind, Some(value));
    let entries = vec![
        row(4, at(2018, 5, 3), "-1", "4000", EntryKind::Sell),
        row(3, at(2018, 4, 19), "1", "8000", EntryKind::Buy),
        row(2, at(2018, 1, 6), "2", "5000", EntryKind::Buy),
        row(1, at(2017, 9, 22), "1", "2000", EntryKind::Buy),
    ];
    assert_eq!(realized(&run(&entries, Method::Fifo)), dec("2000"));
    assert_eq!(realized(&run(&entries, Method::Lifo)), dec("-4000"));
    assert_eq!(realized(&run(&entries, Method::Hifo)), dec("-4000"));
    let fifo = run(&entries, Method::Fifo);
    assert_eq!(fifo.disposals[0].acquired_at, Some(at(2017, 9, 22)));
    assert_eq!(fifo.disposals[0].at - at(2017, 9, 22), 223 * DAY);
}

/// Koinly, "What is cost basis in crypto?" (updated 2024-12-13): 0.5 BTC bought for 30,000 with a
/// 150 fee costs 30,150; sold for 32,000 less a 160 fee, it gains 31,840 - 30,150 = 1,690.
#[test]
fn koinly_fees_add_to_cost_and_come_off_proceeds() {
    let entries = vec![
        entry(1, Y2021, 1, "bitcoin", "0.5", EntryKind::Buy, Some("30000")),
        entry(2, Y2021, 1, "usd", "-30000", EntryKind::Sell, Some("30000")),
        entry(3, Y2021, 1, "usd", "-150", EntryKind::Fee, Some("150")),
        entry(
            4,
            Y2021 + DAY,
            1,
            "bitcoin",
            "-0.5",
            EntryKind::Sell,
            Some("32000"),
        ),
        entry(
            5,
            Y2021 + DAY,
            1,
            "usd",
            "32000",
            EntryKind::Buy,
            Some("32000"),
        ),
        entry(
            6,
            Y2021 + DAY,
            1,
            "usd",
            "-160",
            EntryKind::Fee,
            Some("160"),
        ),
    ];
    let book = run(&entries, Method::Fifo);
    assert_eq!(book.disposals.len(), 1);
    assert_eq!(book.disposals[0].cost, Some(dec("30150")));
    assert_eq!(book.disposals[0].proceeds, Some(dec("31840")));
    assert_eq!(realized(&book), dec("1690"));
}

/// The issue's own case: the same three dated rows give one cost in either order.
#[test]
fn the_order_rows_arrive_in_changes_nothing() {
    let rows = vec![
        buy(1, 0, "1", "100"),
        sell(2, 31, "0.5", "60"),
        buy(3, 60, "1", "200"),
    ];
    let mut reversed = rows.clone();
    reversed.reverse();
    for (n, e) in reversed.iter_mut().enumerate() {
        e.id = n as i64 + 1;
    }
    for method in Method::ALL {
        let a = run(&rows, method);
        let b = run(&reversed, method);
        assert_eq!(a.open, b.open, "{method:?}");
        assert_eq!(realized(&a), realized(&b), "{method:?}");
    }
    let average = run(&rows, Method::Average);
    assert_eq!(average.open[0].cost, Some(dec("250")));
    assert_eq!(average.open[0].amount, amount("1.5"));
}

#[test]
fn a_transfer_moves_lots_with_their_cost_and_date() {
    let mut out = entry(
        2,
        Y2021 + DAY,
        1,
        "bitcoin",
        "-1",
        EntryKind::Withdrawal,
        None,
    );
    let mut arrived = entry(
        3,
        Y2021 + DAY + 600,
        2,
        "bitcoin",
        "0.999",
        EntryKind::Deposit,
        None,
    );
    out.link = Some("tx1".into());
    arrived.link = Some("tx1".into());
    let entries = vec![buy(1, 0, "1", "100"), out, arrived];
    let book = run(&entries, Method::Fifo);
    assert_eq!(book.transfers, 1);
    assert!(book.disposals.is_empty() && book.removals.is_empty());
    assert_eq!(book.open.len(), 1);
    let lot = &book.open[0];
    assert_eq!(
        (lot.account, lot.amount, lot.cost),
        (AccountId::new(2), amount("0.999"), Some(dec("100")))
    );
    assert_eq!(lot.acquired_at, Some(Y2021));
}

#[test]
fn an_unlinked_deposit_within_the_window_is_a_transfer_and_one_too_late_is_not() {
    let out = entry(
        2,
        Y2021 + DAY,
        1,
        "bitcoin",
        "-1",
        EntryKind::Withdrawal,
        None,
    );
    let soon = entry(
        3,
        Y2021 + 2 * DAY,
        2,
        "bitcoin",
        "0.98",
        EntryKind::Deposit,
        None,
    );
    let book = run(&[buy(1, 0, "1", "100"), out.clone(), soon], Method::Fifo);
    assert_eq!(book.transfers, 1);
    let late = entry(
        3,
        Y2021 + 5 * DAY,
        2,
        "bitcoin",
        "0.98",
        EntryKind::Deposit,
        None,
    );
    let book = run(&[buy(1, 0, "1", "100"), out, late], Method::Fifo);
    assert_eq!(book.transfers, 0);
    assert_eq!(book.removals.len(), 1);
    assert_eq!(book.removals[0].cost, Some(dec("100")));
    assert_eq!(
        book.open[0].cost, None,
        "the late deposit's cost is not known"
    );
}

#[test]
fn pooled_lots_cross_accounts_and_per_account_lots_do_not() {
    let entries = vec![
        entry(1, Y2021, 1, "bitcoin", "1", EntryKind::Buy, Some("100")),
        entry(
            2,
            Y2021 + DAY,
            2,
            "bitcoin",
            "1",
            EntryKind::Buy,
            Some("300"),
        ),
        entry(
            3,
            Y2021 + 2 * DAY,
            2,
            "bitcoin",
            "-1",
            EntryKind::Sell,
            Some("400"),
        ),
    ];
    let per_account = book(&entries, Method::Fifo, Scope::PerAccount).expect("fits");
    assert_eq!(realized(&per_account), dec("100"));
    let pooled = book(&entries, Method::Fifo, Scope::Pooled).expect("fits");
    assert_eq!(realized(&pooled), dec("300"));
}

#[test]
fn a_coin_to_coin_trade_disposes_at_the_value_of_what_came_in() {
    let entries = vec![
        entry(1, Y2021, 1, "bitcoin", "1", EntryKind::Buy, Some("100")),
        entry(2, Y2021 + DAY, 1, "bitcoin", "-1", EntryKind::Sell, None),
        entry(
            3,
            Y2021 + DAY,
            1,
            "ethereum",
            "20",
            EntryKind::Buy,
            Some("500"),
        ),
    ];
    let book = run(&entries, Method::Fifo);
    assert_eq!(realized(&book), dec("400"));
    let eth = book
        .open
        .iter()
        .find(|l| l.asset == "ethereum")
        .expect("lot");
    assert_eq!(eth.cost, Some(dec("500")));
}

#[test]
fn selling_more_than_recorded_leaves_units_of_unknown_cost_not_a_negative_lot() {
    let entries = vec![buy(1, 0, "1", "100"), sell(2, 1, "1.5", "300")];
    let book = run(&entries, Method::Fifo);
    assert!(book.open.is_empty());
    assert_eq!(book.disposals.len(), 2);
    assert_eq!(book.disposals[0].gain(), Some(dec("100")));
    assert_eq!(book.disposals[1].acquired_at, None);
    assert_eq!(book.disposals[1].gain(), None);
}

fn arbitrary_ledger() -> impl Strategy<Value = Vec<LotEntry>> {
    let one = (
        0i64..40,
        1i64..3,
        prop::sample::select(vec!["bitcoin", "ethereum"]),
        1i64..5_000,
        any::<bool>(),
        1i64..100_000,
        prop::sample::select(vec![
            EntryKind::Buy,
            EntryKind::Sell,
            EntryKind::Deposit,
            EntryKind::Withdrawal,
            EntryKind::Fee,
        ]),
    );
    prop::collection::vec(one, 0..40).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(n, (day, account, asset, centis, out, price, kind))| {
                let qty = Decimal::new(centis, 2);
                let signed = if out { -qty } else { qty };
                LotEntry {
                    id: n as i64 + 1,
                    at: Y2021 + day * DAY,
                    account: AccountId::new(account),
                    asset: asset.into(),
                    fiat: false,
                    amount: Amount::from_decimal(signed).expect("small"),
                    kind,
                    value: Some(qty * Decimal::new(price, 0)),
                    link: None,
                }
            })
            .collect()
    })
}

/// The cost of every unit the book still knows about: used up, removed or held.
fn cost_accounted(book: &LotBook) -> Decimal {
    book.disposals
        .iter()
        .filter_map(|d| d.cost)
        .chain(book.removals.iter().filter_map(|r| r.cost))
        .chain(book.open.iter().filter_map(|l| l.cost))
        .sum()
}

proptest! {
    #[test]
    fn cost_is_never_lost_or_made_and_no_lot_goes_negative(
        entries in arbitrary_ledger(),
        method in prop::sample::select(Method::ALL.to_vec()),
        pooled in any::<bool>(),
    ) {
        let scope = if pooled { Scope::Pooled } else { Scope::PerAccount };
        let book = book(&entries, method, scope).expect("fits");
        let paid_in: Decimal = entries
            .iter()
            .filter(|e| !e.amount.is_negative())
            .filter_map(|e| e.value)
            .sum();
        // Deposits that were transfers brought their lots' cost, not their own value.
        let transferred: Decimal = {
            let mut sorted: Vec<usize> = (0..entries.len()).collect();
            sorted.sort_by_key(|&i| (entries[i].at, entries[i].id));
            let coins: Vec<u32> = entries.iter().map(|e| u32::from(e.asset == "ethereum")).collect();
            let pairs = super::transfers::matches(&entries, &coins, &sorted);
            pairs.values().filter_map(|&d| entries[d].value).sum()
        };
        prop_assert_eq!(cost_accounted(&book), paid_in - transferred);
        for lot in &book.open {
            prop_assert!(lot.amount.atoms() > 0);
            prop_assert!(lot.cost.is_none_or(|c| c >= Decimal::ZERO));
        }
    }

    #[test]
    fn the_arrival_order_changes_nothing(
        entries in arbitrary_ledger(),
        method in prop::sample::select(Method::ALL.to_vec()),
        seed in any::<u64>(),
    ) {
        let mut shuffled = entries.clone();
        // A deterministic shuffle, with ids given in the new order as a database would.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for (n, e) in shuffled.iter_mut().enumerate() {
            e.id = n as i64 + 1;
        }
        let a = book(&entries, method, Scope::PerAccount).expect("fits");
        let b = book(&shuffled, method, Scope::PerAccount).expect("fits");
        prop_assert_eq!(a.open, b.open);
        prop_assert_eq!(a.disposals, b.disposals);
    }

    #[test]
    fn every_method_agrees_when_there_is_one_lot(
        qty in 1i64..1_000_000,
        cost in 1i64..1_000_000,
        sold in 1i64..1_000_000,
        proceeds in 0i64..1_000_000,
    ) {
        let sold = sold.min(qty);
        let entries = vec![
            buy(1, 0, &Decimal::new(qty, 3).to_string(), &cost.to_string()),
            sell(2, 10, &Decimal::new(sold, 3).to_string(), &proceeds.to_string()),
        ];
        let books: Vec<LotBook> = Method::ALL.iter().map(|&m| run(&entries, m)).collect();
        for other in &books[1..] {
            prop_assert_eq!(&books[0].open, &other.open);
            prop_assert_eq!(&books[0].disposals, &other.disposals);
        }
    }
}

import Foundation
import GRDB
import Models
import Projections
import ServiceKit

/// Referrals: a new account that signs up with an advocate's code (health's `account.upserted`
/// carrying `referral_code`) converts a referral, unless the fraud checks refuse it or hold it
/// for review:
///
/// - refused: a self-referral (the code's owner is the account), or an account referred before
///   (a converted or held referral exists for it, under any code);
/// - held: an existing customer (signed up before the code was issued, or longer ago than the
///   program's signup window when the referral arrives, or already in the advocacy program), or
///   an advocate past the program's referrals per calendar month.
///
/// A code matches whatever its case or surrounding spaces. Health publishes `account.upserted` on
/// every change of the account, so a referral is keyed by (code, account) and a repeat of the same
/// pair changes nothing. Codes no advocate holds are not advocacy's (loyalty has codes too) and are
/// left alone.
enum Referrals {
    /// Applies health's `account.upserted` (the projection row is written already).
    static func accountUpserted(_ event: Event, in db: Database) throws {
        guard event.type == "account.upserted", let account = try? AccountChanged(serializedBytes: event.body).account,
            let referred = account.customer?.value, !referred.isEmpty, !account.referralCode.isEmpty
        else { return }
        // Codes are issued in upper case; people type them as they like.
        let code = account.referralCode.trimmingCharacters(in: .whitespaces).uppercased()
        guard
            let advocate = try Row.fetchOne(
                db, sql: "SELECT customer_id, enrolled_at_ms FROM advocates WHERE referral_code = ?", arguments: [code])
        else { return }
        guard try fetch(code: code, referred: referred, in: db) == nil else { return }
        let nowMs = event.occurredAtMs
        let advocateID: String = advocate["customer_id"]
        var referral = Referral(
            referralCode: code, advocate: CustomerId(value: advocateID), referred: CustomerId(value: referred),
            signupMs: account.signupMs, receivedAtMs: nowMs)
        (referral.state, referral.reason) = try check(
            referral, codeIssuedAtMs: advocate["enrolled_at_ms"], nowMs: nowMs, in: db)
        if referral.state != .held { referral.decidedAtMs = nowMs }
        try save(referral, in: db)
        switch referral.state {
        case .converted: try convert(referral, nowMs: nowMs, in: db)
        case .held: try flag("referral.held", referral, nowMs: nowMs, in: db)
        default: try flag("referral.refused", referral, nowMs: nowMs, in: db)
        }
    }

    /// The fraud checks, in order: what the referral becomes and why ("" when it converts).
    static func check(_ referral: Referral, codeIssuedAtMs: Int64, nowMs: Int64, in db: Database) throws
        -> (ReferralState, String)
    {
        let advocate = referral.advocate!.value
        let referred = referral.referred!.value
        if advocate == referred { return (.refused, "self-referral: the code belongs to the account itself") }
        if let earlier = try Row.fetchOne(
            db,
            sql: "SELECT advocate_id, referral_code FROM referrals WHERE referred_id = ? AND state IN (?, ?) LIMIT 1",
            arguments: [referred, ReferralState.converted.rawValue, ReferralState.held.rawValue])
        {
            let by: String = earlier["advocate_id"]
            let code: String = earlier["referral_code"]
            return (.refused, "referred twice: already referred by \"\(by)\" with code \(code)")
        }
        let program = try ProgramStore.current(in: db)
        if referral.signupMs < codeIssuedAtMs {
            return (.held, "existing customer: signed up before the code was issued")
        }
        let windowDays = Int64(program.referralSignupWindowDays)
        if nowMs - referral.signupMs > windowDays * dayMs {
            return (.held, "existing customer: signed up more than \(windowDays) days before the referral arrived")
        }
        if try AdvocateStore.row(referred, in: db) != nil {
            return (.held, "existing customer: already in the advocacy program")
        }
        let month = Months.range(Months.key(nowMs))!
        let thisMonth =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM referrals WHERE advocate_id = ? AND state IN (?, ?)
                    AND received_at_ms >= ? AND received_at_ms < ?
                    """,
                arguments: [
                    advocate, ReferralState.converted.rawValue, ReferralState.held.rawValue, month.startMs, month.endMs,
                ]) ?? 0
        if thisMonth >= program.maxReferralsPerMonth {
            return (.held, "more than \(program.maxReferralsPerMonth) referrals by \"\(advocate)\" this month")
        }
        return (.converted, "")
    }

    /// Converts a referral: the advocate earns the referral channel's points (as an approved
    /// contribution) and `referral.converted` is emitted.
    static func convert(_ referral: Referral, nowMs: Int64, in db: Database) throws {
        let advocate = referral.advocate!.value
        let points = try ProgramStore.current(in: db).points(for: .referral) ?? 0
        let contribution = Contribution(
            contributionId: "referral:\(referral.referralCode):\(referral.referred!.value)",
            advocate: referral.advocate, channel: .referral, state: .approved, points: points,
            description: "referred \(referral.referred!.value)", occurredAtMs: nowMs, recordedAtMs: nowMs,
            reviewedAtMs: nowMs)
        try ContributionStore.insert(contribution, in: db)
        try ContributionStore.award(contribution, nowMs: nowMs, in: db)
        try EventLog().append(
            "referral.converted", customerID: advocate, occurredAtMs: nowMs,
            ReferralConverted(
                advocate: referral.advocate, referred: referral.referred, referralCode: referral.referralCode,
                convertedAtMs: nowMs), in: db)
    }

    static func flag(_ type: String, _ referral: Referral, nowMs: Int64, in db: Database) throws {
        try EventLog().append(
            type, customerID: referral.advocate!.value, occurredAtMs: nowMs, ReferralFlagged(referral: referral), in: db
        )
    }

    static func save(_ referral: Referral, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO referrals (referral_code, referred_id, advocate_id, state, reason, signup_ms,
                    received_at_ms, decided_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (referral_code, referred_id) DO UPDATE SET state = excluded.state,
                    reason = excluded.reason, decided_at_ms = excluded.decided_at_ms
                """,
            arguments: [
                referral.referralCode, referral.referred!.value, referral.advocate!.value, referral.state.rawValue,
                referral.reason, referral.signupMs, referral.receivedAtMs, referral.decidedAtMs,
            ])
    }

    static func fetch(code: String, referred: String, in db: Database) throws -> Referral? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM referrals WHERE referral_code = ? AND referred_id = ?", arguments: [code, referred]
        ).map(referral(from:))
    }

    static func referral(from row: Row) -> Referral {
        Referral(
            referralCode: row["referral_code"], advocate: CustomerId(value: row["advocate_id"]),
            referred: CustomerId(value: row["referred_id"]), state: ReferralState(rawValue: row["state"]),
            reason: row["reason"], signupMs: row["signup_ms"], receivedAtMs: row["received_at_ms"],
            decidedAtMs: row["decided_at_ms"])
    }
}

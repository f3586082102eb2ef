/// Every text the console shows, in English, Finnish and Swedish. One exhaustive switch, so a
/// phrase without all three languages does not compile. `{1}`, `{2}` mark where escaped values go
/// (``ConsoleView/text(_:_:)``).
enum Phrase: CaseIterable {
    case signedInAs, signOut, blockedNumbers, reviewQueue, incidents, maliciousCalls, timesIn, language
    case signIn, yourToken, tokenInvalid, tokensMadeBy, storeFailed, notDone, back
    case rulesInForce, numbersMasked, number, action, toExtension, reason, by, since, until, never, everyone
    case unblock, falsePositive, why, change, hits, lastHit
    case reviewIntro, nothingToReview, madeByDetection, keepOrCorrect
    case approve, reject, newExpiry, changeExpiry, approvedBy
    case callSearch, search, searchHelp, noCalls, more, incidentOfRule, downloadEvidence, blocksStopped
    case noIncidents, incident, kind, severity, status, caller, extensionColumn, opened, updated, detections
    case statusOpen, statusAcknowledged, statusReported, statusClosed
    case acknowledge, reportToPolice, close, note, addNote, timeline, time, what, policeReference, withheld
    case flagACall, withinMinutes, callID, flag, candidates, noFlags, flaggedBy, withdrawn, started, disposition
    case blocked, redirected, displayName, asserted, viewAudited
    case auditLog, subject, detail, noEntries, entriesSince
    case prevention, byKindAndStatus, heatMap, mostTargeted, timeToAcknowledge, acknowledgedMedian, count, total, csv, preventionScope

    func text(_ language: ConsoleLanguage) -> String {
        let (en, fi, sv) = translations
        switch language {
        case .en: return en
        case .fi: return fi
        case .sv: return sv
        }
    }

    private var translations: (String, String, String) {
        switch self {
        case .signedInAs: ("Signed in as {1} ({2})", "Kirjautunut: {1} ({2})", "Inloggad som {1} ({2})")
        case .signOut: ("Sign out", "Kirjaudu ulos", "Logga ut")
        case .blockedNumbers: ("Blocked numbers", "Estetyt numerot", "Blockerade nummer")
        case .reviewQueue: ("Review queue", "Tarkistusjono", "Granskningskö")
        case .incidents: ("Incidents", "Tapaukset", "Incidenter")
        case .maliciousCalls: ("Malicious calls (MCID)", "Häirintäpuhelut (MCID)", "Trakasserisamtal (MCID)")
        case .timesIn: ("Times in {1}", "Ajat aikavyöhykkeellä {1}", "Tider i {1}")
        case .language: ("Language", "Kieli", "Språk")
        case .signIn: ("Sign in", "Kirjaudu", "Logga in")
        case .yourToken: ("Your token", "Tunnisteesi", "Din token")
        case .tokenInvalid: ("That token is not valid.", "Tunniste ei kelpaa.", "Den token är inte giltig.")
        case .tokensMadeBy: ("Tokens are made by an administrator:", "Tunnisteet luo ylläpitäjä:", "Token skapas av en administratör:")
        case .storeFailed: ("The store failed; see the daemon's log.", "Tietokanta ei vastannut; katso palvelun loki.", "Databasen svarade inte; se tjänstens logg.")
        case .notDone: ("Not done", "Ei tehty", "Inte gjort")
        case .back: ("Back", "Takaisin", "Tillbaka")
        case .rulesInForce: ("Rules in force: {1}.", "Voimassa olevia sääntöjä: {1}.", "Regler i kraft: {1}.")
        case .numbersMasked: ("Numbers are masked for the {1} role.", "Numerot on peitetty roolille {1}.", "Numren är maskerade för rollen {1}.")
        case .number: ("Number", "Numero", "Nummer")
        case .action: ("Action", "Toimenpide", "Åtgärd")
        case .toExtension: ("To extension", "Alanumeroon", "Till anknytning")
        case .reason: ("Reason", "Syy", "Orsak")
        case .by: ("By", "Tekijä", "Av")
        case .since: ("Since", "Alkaen", "Sedan")
        case .until: ("Until", "Asti", "Till")
        case .never: ("never", "ei koskaan", "aldrig")
        case .everyone: ("all", "kaikki", "alla")
        case .unblock: ("Unblock", "Poista esto", "Häv blockering")
        case .falsePositive: ("False positive", "Virheellinen esto", "Felaktig blockering")
        case .why: ("why", "miksi", "varför")
        case .change: ("Change", "Muuta", "Ändra")
        case .hits: ("Calls stopped", "Estettyjä puheluita", "Stoppade samtal")
        case .lastHit: ("Last stopped", "Viimeksi estetty", "Senast stoppat")
        case .reviewIntro: (
            "Blocks made automatically by a detection: check each; unblock it, or mark it a false positive (the number is then allowed and its incidents closed).",
            "Tunnistuksen automaattisesti tekemät estot: tarkista jokainen; poista esto tai merkitse se virheelliseksi (numero sallitaan ja sen tapaukset suljetaan).",
            "Blockeringar som en detektering gjort automatiskt: granska var och en; häv den eller markera den som felaktig (numret tillåts då och dess incidenter stängs)."
        )
        case .nothingToReview: ("Nothing to review.", "Ei tarkistettavaa.", "Inget att granska.")
        case .madeByDetection: ("{1}: {2} calls to {3} between {4} and {5}", "{1}: {2} puhelua kohteeseen {3} välillä {4}–{5}", "{1}: {2} samtal till {3} mellan {4} och {5}")
        case .keepOrCorrect: ("Correct", "Korjaa", "Rätta")
        case .noIncidents: ("No incidents.", "Ei tapauksia.", "Inga incidenter.")
        case .incident: ("Incident {1}", "Tapaus {1}", "Incident {1}")
        case .kind: ("Kind", "Laji", "Typ")
        case .severity: ("Severity", "Vakavuus", "Allvarlighet")
        case .status: ("Status", "Tila", "Status")
        case .caller: ("Caller", "Soittaja", "Uppringare")
        case .extensionColumn: ("Extension", "Alanumero", "Anknytning")
        case .opened: ("Opened", "Avattu", "Öppnad")
        case .updated: ("Updated", "Päivitetty", "Uppdaterad")
        case .detections: ("Detections", "Tunnistukset", "Detekteringar")
        case .statusOpen: ("open", "avoin", "öppen")
        case .statusAcknowledged: ("acknowledged", "kuitattu", "kvitterad")
        case .statusReported: ("reported to police", "ilmoitettu poliisille", "polisanmäld")
        case .statusClosed: ("closed", "suljettu", "stängd")
        case .acknowledge: ("Acknowledge", "Kuittaa", "Kvittera")
        case .reportToPolice: ("Reported to police", "Ilmoitettu poliisille", "Polisanmäld")
        case .close: ("Close", "Sulje", "Stäng")
        case .note: ("Note", "Merkintä", "Anteckning")
        case .addNote: ("Add note", "Lisää merkintä", "Lägg till anteckning")
        case .timeline: ("Timeline", "Aikajana", "Tidslinje")
        case .time: ("Time", "Aika", "Tid")
        case .what: ("What", "Mitä", "Vad")
        case .policeReference: ("note or police reference", "merkintä tai poliisin diaarinumero", "anteckning eller polisens diarienummer")
        case .withheld: ("withheld", "salainen numero", "dolt nummer")
        case .flagACall: ("Flag a malicious call", "Merkitse häirintäpuhelu", "Markera ett trakasserisamtal")
        case .withinMinutes: ("within the last minutes", "viimeisten minuuttien aikana", "inom de senaste minuterna")
        case .callID: ("Call id", "Puhelun tunniste", "Samtals-id")
        case .flag: ("Flag", "Merkitse", "Markera")
        case .candidates: (
            "Several calls reached the extension; choose the one to flag:", "Alanumeroon tuli useita puheluita; valitse merkittävä:",
            "Flera samtal nådde anknytningen; välj det som ska markeras:"
        )
        case .noFlags: ("No calls flagged.", "Ei merkittyjä puheluita.", "Inga markerade samtal.")
        case .flaggedBy: ("Flagged by", "Merkitsijä", "Markerad av")
        case .withdrawn: ("withdrawn", "peruttu", "återkallad")
        case .started: ("Started", "Alkoi", "Började")
        case .disposition: ("Outcome", "Lopputulos", "Utfall")
        case .blocked: ("blocked before ringing", "estetty ennen soittoa", "blockerat före signal")
        case .redirected: ("redirected", "ohjattu", "omdirigerat")
        case .displayName: ("Display name", "Näyttönimi", "Visningsnamn")
        case .asserted: ("Asserted identity", "Vahvistettu tunniste", "Bekräftad identitet")
        case .auditLog: ("Audit log", "Tarkastusloki", "Granskningslogg")
        case .subject: ("Subject", "Kohde", "Objekt")
        case .detail: ("Detail", "Tiedot", "Detaljer")
        case .noEntries: ("No entries.", "Ei merkintöjä.", "Inga poster.")
        case .entriesSince: ("Newest first, since {1} (at most {2}).", "Uusin ensin, alkaen {1} (enintään {2}).", "Nyast först, sedan {1} (högst {2}).")
        case .prevention: ("Prevention", "Ennaltaehkäisy", "Förebyggande")
        case .byKindAndStatus: ("Incidents by kind and status", "Tapaukset lajin ja tilan mukaan", "Incidenter efter typ och status")
        case .heatMap: ("Harassing calls by weekday and hour", "Häirintäpuhelut viikonpäivän ja tunnin mukaan", "Trakasserisamtal per veckodag och timme")
        case .mostTargeted: ("Most targeted extensions", "Eniten kohteena olleet alanumerot", "Mest utsatta anknytningar")
        case .timeToAcknowledge: ("Time to acknowledge", "Aika kuittaukseen", "Tid till kvittering")
        case .acknowledgedMedian: ("{1} incidents acknowledged; median {2} minutes.", "{1} tapausta kuitattu; mediaani {2} minuuttia.", "{1} incidenter kvitterade; median {2} minuter.")
        case .count: ("Count", "Määrä", "Antal")
        case .total: ("Total", "Yhteensä", "Totalt")
        case .csv: ("Download as CSV", "Lataa CSV-tiedostona", "Ladda ner som CSV")
        case .preventionScope: ("From the {1} most recently updated incidents.", "{1} viimeksi päivitetyn tapauksen perusteella.", "Från de {1} senast uppdaterade incidenterna.")
        case .approve: ("Approve", "Hyväksy", "Godkänn")
        case .reject: ("Reject", "Hylkää", "Avvisa")
        case .newExpiry: ("New expiry: 7d, 12h or never", "Uusi päättymisaika: 7d, 12h tai never", "Nytt slut: 7d, 12h eller never")
        case .changeExpiry: ("Change expiry", "Muuta päättymisaikaa", "Ändra slut")
        case .approvedBy: ("Approved by {1}, {2}", "Hyväksynyt {1}, {2}", "Godkänd av {1}, {2}")
        case .callSearch: ("Calls", "Puhelut", "Samtal")
        case .search: ("Search", "Hae", "Sök")
        case .searchHelp: (
            "By number, extension and start time (since, until: 2026-12-01T08:00:00Z or 24h back); the last 7 days unless since is given.",
            "Numeron, alanumeron ja alkamisajan mukaan (since, until: 2026-12-01T08:00:00Z tai 24h taaksepäin); viimeiset 7 päivää, ellei since ole annettu.",
            "Efter nummer, anknytning och starttid (since, until: 2026-12-01T08:00:00Z eller 24h bakåt); de senaste 7 dagarna om inte since anges."
        )
        case .noCalls: ("No calls found.", "Puheluita ei löytynyt.", "Inga samtal hittades.")
        case .more: ("More", "Lisää", "Fler")
        case .blocksStopped: (
            "Did blocks stop the calls? Calls from blocked numbers while blocked, per week",
            "Pysäyttivätkö estot puhelut? Estettyjen numeroiden puhelut eston aikana viikoittain",
            "Stoppade blockeringarna samtalen? Samtal från blockerade nummer under blockeringen, per vecka"
        )
        case .downloadEvidence: (
            "Download the evidence bundle (tar; the download is audited)", "Lataa todisteaineisto (tar; lataus kirjataan lokiin)",
            "Ladda ner bevispaketet (tar; nedladdningen loggas)"
        )
        case .incidentOfRule: ("incident {1}: {2}, {3}", "tapaus {1}: {2}, {3}", "incident {1}: {2}, {3}")
        case .viewAudited: ("Your view of this page is in the audit log.", "Tämän sivun katselu kirjataan tarkastuslokiin.", "Din visning av sidan finns i granskningsloggen.")
        }
    }
}

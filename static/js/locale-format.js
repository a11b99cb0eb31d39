// Dates and numbers in the page's language, written as the server writes them (the formats in
// curim/formats): 1 Dec 2026 and 54.1 in English, 1/12/2026 and 54,1 in Greek. A browser test
// compares the two (tests/e2e/test_dates.py).
(function () {
  "use strict";
  var lang = document.documentElement.lang === "el" ? "el" : "en";
  // Django's "M": the three-letter English month (Sep; Intl's en-GB would write "Sept").
  var months = new Intl.DateTimeFormat("en-US", { month: "short", timeZone: "UTC" });
  var numbers = {};

  // A day as the API gives it ("2026-12-01"), read as that calendar day in any time zone.
  function day(iso) {
    var found = /^(\d{4})-(\d\d)-(\d\d)/.exec(String(iso || ""));
    if (!found) { return String(iso || ""); }
    var year = Number(found[1]), month = Number(found[2]), date = Number(found[3]);
    if (lang === "el") { return date + "/" + month + "/" + year; }
    return date + " " + months.format(new Date(Date.UTC(year, month - 1, date))) + " " + year;
  }

  // A number with a fixed count of decimals and no grouping, as Django's floatformat writes it.
  function number(value, digits) {
    if (typeof value !== "number" || !isFinite(value)) { return "—"; }
    if (!numbers[digits]) {
      numbers[digits] = new Intl.NumberFormat(lang, {
        minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false
      });
    }
    return numbers[digits].format(value);
  }

  window.curimFormat = { lang: lang, day: day, number: number };
})();

import Core

/// The calendar month a compliance report covers, written `YYYY-MM` (one parser for reports,
/// the dashboard's and the API's `period=`: Core's `CalendarMonth`).
public typealias ReportMonth = CalendarMonth

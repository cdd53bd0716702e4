#pragma once

#include <string_view>
#include <vector>

#include "conv/converter/feeds/published_day.hpp"

namespace conv::converter {

// The Banco Central do Brasil's PTAX rates, as its Olinda OData service answers
// CotacaoMoedaPeriodo (one currency, a period; $format=json):
//
//   {"@odata.context": "...", "value": [{"paridadeCompra": 1.0, "paridadeVenda": 1.0,
//     "cotacaoCompra": 5.4471, "cotacaoVenda": 5.4477,
//     "dataHoraCotacao": "2024-10-03 13:09:27.853", "tipoBoletim": "Fechamento"}, ...]}
//
// Each day's closing bulletin ("Fechamento": the PTAX rate; the opening and intermediate
// bulletins are not) gives one day: its selling rate, cotacaoVenda, in reais per unit of
// `currency` (Direction::in_base, base BRL), kept as the exact decimal written (the JSON
// number's text, never a double). A day with two closing bulletins, a bad date, a rate that is
// not positive or has more than 8 decimal places (PTAX publishes 4), or a document that is
// not this shape is refused. No closing bulletin at all is not an error (a holiday, a period
// not yet published): an empty result. Throws FeedError.
std::vector<PublishedDay> parse_ptax_json(std::string_view json, std::string_view currency);

}  // namespace conv::converter

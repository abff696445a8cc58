// libpq, opened on first use (include/hallmark/util/dynlib.hpp says why): only a PostgreSQL
// store needs it, and it maps 20 shared objects (Kerberos, LDAP, GnuTLS) into every process. A
// forwarder of the same name and signature for every libpq function hallmark calls; a call to
// one not listed here fails to link: add its line. Unavailable, PQconnectdb returns nullptr and
// libpq_unavailable() says why.
#include "lazy_libpq.hpp"

#include "hallmark/util/dynlib.hpp"

#include <libpq-fe.h>

namespace {
hallmark::LazyLibrary libpq("libpq.so.5", "libpq5");
}  // namespace

namespace hallmark::evidence {
std::string libpq_unavailable() { return libpq.available() ? std::string() : libpq.error(); }
}  // namespace hallmark::evidence

extern "C" {

#define FORWARD(name, args) HALLMARK_FORWARD(libpq, name, args)
PGconn* PQconnectdb(const char* conninfo) { return FORWARD(PQconnectdb, (conninfo)); }
ConnStatusType PQstatus(const PGconn* conn) {
  // Unavailable: CONNECTION_BAD, as libpq answers for a null connection.
  const ConnStatusType s = FORWARD(PQstatus, (conn));
  return s == static_cast<ConnStatusType>(-1) ? CONNECTION_BAD : s;
}
char* PQerrorMessage(const PGconn* conn) { return FORWARD(PQerrorMessage, (conn)); }
char* PQdb(const PGconn* conn) { return FORWARD(PQdb, (conn)); }
void PQfinish(PGconn* conn) { FORWARD(PQfinish, (conn)); }
PGresult* PQexec(PGconn* conn, const char* query) { return FORWARD(PQexec, (conn, query)); }
PGresult* PQexecParams(PGconn* conn, const char* command, int nParams, const Oid* paramTypes,
                       const char* const* paramValues, const int* paramLengths, const int* paramFormats,
                       int resultFormat) {
  return FORWARD(PQexecParams,
                 (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat));
}
void PQclear(PGresult* res) { FORWARD(PQclear, (res)); }
ExecStatusType PQresultStatus(const PGresult* res) {
  const ExecStatusType s = FORWARD(PQresultStatus, (res));
  return s == static_cast<ExecStatusType>(-1) ? PGRES_FATAL_ERROR : s;
}
char* PQresultErrorMessage(const PGresult* res) { return FORWARD(PQresultErrorMessage, (res)); }
int PQntuples(const PGresult* res) { return FORWARD(PQntuples, (res)); }
int PQnfields(const PGresult* res) { return FORWARD(PQnfields, (res)); }
char* PQgetvalue(const PGresult* res, int tup_num, int field_num) {
  return FORWARD(PQgetvalue, (res, tup_num, field_num));
}
int PQgetlength(const PGresult* res, int tup_num, int field_num) {
  return FORWARD(PQgetlength, (res, tup_num, field_num));
}
int PQgetisnull(const PGresult* res, int tup_num, int field_num) {
  return FORWARD(PQgetisnull, (res, tup_num, field_num));
}
#undef FORWARD

}  // extern "C"

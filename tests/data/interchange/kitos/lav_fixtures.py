import json, copy
from pathlib import Path
ORG = "0f000000-0000-4000-8000-000000000740"
def u(n, k): return f"{k}0000000-0000-4000-8000-{n:012d}"
L1 = {"uuid": u(1,"b"), "name": "Fujitsu A/S", "cvr": "12345678"}
L2 = {"uuid": u(2,"b"), "name": "KMD A/S", "cvr": "26911745"}
S1, S2, S4, S5 = u(1,"c"), u(2,"c"), u(4,"c"), u(5,"c")
U1, U2, U3, U4 = u(1,"d"), u(2,"d"), u(3,"d"), u(4,"d")
C1, C2 = u(1,"e"), u(2,"e")
I1, R1, DPR1, D1 = u(1,"f"), u(1,"a"), u(9,"a"), u(7,"a")
def idn(uuid, name): return {"uuid": uuid, "name": name}
systems = [
 {"uuid": S1, "name": "SBSYS", "formerName": "SBSYS ESDH", "description": "Sags- og dokumenthåndtering",
  "kle": [idn(u(11,"9"), "00.01.10")], "rightsHolder": L1, "scope": "Global", "deactivated": False,
  "lastModified": "2019-01-01T10:00:00Z", "parentSystem": None},
 {"uuid": S2, "name": "KMD Opus Økonomi", "kle": [idn(u(12,"9"), "00.30.00")], "rightsHolder": L2,
  "scope": "Global", "deactivated": False, "businessType": idn(u(13,"9"), "Økonomi")},
 {"uuid": S4, "name": "Nexus", "kle": [idn(u(14,"9"), "27.24.00")], "scope": "Global", "newFancyField": 42},
]
usages = [
 {"uuid": U1, "systemContext": idn(S1, "SBSYS"), "organizationContext": {"uuid": ORG, "name": "Silkeborg Kommune", "cvr": "29189919"},
  "roles": [{"user": {"uuid": u(21,"8"), "name": "Jens Hansen"}, "role": idn(u(31,"8"), "Systemejer")},
            {"user": {"uuid": u(22,"8"), "name": "IT-afdelingen"}, "role": idn(u(32,"8"), "Systemansvarlig")},
            {"user": {"uuid": u(23,"8"), "name": "Anne Berg"}, "role": idn(u(33,"8"), "Forretningsejer")}],
  "localKLEDeviations": {"addedKLE": [idn(u(15,"9"), "00.01.00")], "removedKLE": []},
  "general": {"localCallName": "ESDH", "mainContract": idn(C1, "SBSYS drift"),
              "validity": {"lifeCycleStatus": "Operational", "validFrom": "2016-01-01T00:00:00Z", "valid": True}},
  "gdpr": {"riskAssessmentConductedDate": "2019-03-31T22:00:00Z", "dataSensitivityLevels": ["PersonData", "SensitiveData"],
           "businessCritical": "Yes"},
  "outgoingSystemRelations": [{"uuid": R1, "toSystemUsage": idn(U2, "KMD Opus Økonomi"), "relationInterface": idn(I1, "SBSYS-økonomi"),
                               "relationFrequency": idn(u(41,"8"), "Dagligt"), "description": "Sager til økonomi"}]},
 {"uuid": U2, "systemContext": idn(S2, "KMD Opus Økonomi"), "organizationContext": {"uuid": ORG, "name": "Silkeborg Kommune"},
  "roles": [{"user": {"uuid": u(24,"8"), "name": "Økonomiafdelingen"}, "role": idn(u(32,"8"), "Systemansvarlig")}],
  "general": {"mainContract": idn(C2, "Opus"), "purpose": "Økonomistyring", "isBusinessCritical": "Yes",
              "validity": {"lifeCycleStatus": "PhasingOut"}},
  "gdpr": {"dataSensitivityLevels": ["None"]}},
 {"uuid": U3, "systemContext": idn(S4, "Nexus"), "organizationContext": {"uuid": ORG, "name": "Silkeborg Kommune"},
  "general": {"validity": {"lifeCycleStatus": "Pilot"}}, "gdpr": {}},
]
contracts = [
 {"uuid": C1, "name": "SBSYS drift", "organizationContext": {"uuid": ORG, "name": "Silkeborg Kommune"},
  "systemUsages": [idn(U1, "SBSYS")],
  "general": {"contractId": "K-2016-01", "validity": {"validFrom": "2015-12-31T23:00:00Z", "validTo": "2019-12-30T23:00:00Z"}},
  "supplier": {"organization": L1, "signedAt": "2015-11-01T00:00:00Z"},
  "termination": {"terms": {"noticePeriodMonths": idn(u(51,"8"), "6"), "noticeByEndOf": "EndOfQuarter"}},
  "payments": {"external": [{"acquisition": 100000, "operation": 250000, "other": 0}, {"operation": 50000.5}], "internal": []},
  "procurement": {"procurementPlan": {"quarterOfYear": 2, "year": 2019}},
  "agreementPeriod": {"irrevocableUntil": "2017-12-31T23:00:00Z"}},
 {"uuid": C2, "name": "Opus", "organizationContext": {"uuid": ORG, "name": "Silkeborg Kommune"},
  "systemUsages": [idn(U2, "Opus")],
  "general": {"validity": {"validFrom": "2013-01-01T00:00:00Z", "validTo": "2020-12-30T23:00:00Z"}},
  "supplier": {"organization": L2}, "termination": {"terms": {"noticePeriodMonths": idn(u(52,"8"), "3")}}},
]
interfaces = [{"uuid": I1, "name": "SBSYS-økonomi", "exposedBySystem": idn(S2, "KMD Opus Økonomi"),
               "itInterfaceType": idn(u(61,"8"), "WS REST"),
               "data": [{"description": "Cpr-nummer og sag", "dataType": idn(D1, "Person")}]}]
dprs = [{"uuid": DPR1, "name": "SBSYS databehandling", "systemUsages": [idn(U1, "SBSYS")],
         "general": {"isAgreementConcluded": "Yes", "mainContract": idn(C1, "SBSYS drift")}}]
orgs = [{"uuid": ORG, "name": "Silkeborg Kommune", "cvr": "29189919", "organizationType": "Municipality"}]

def write(folder, **cols):
    p = Path(folder); p.mkdir(parents=True, exist_ok=True)
    for name, data in cols.items():
        (p / f"{name.replace('_','-')}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

base = dict(it_systems=systems, it_system_usages=usages, it_contracts=contracts, it_interfaces=interfaces,
            data_processing_registrations=dprs, organizations=orgs)
write("v1", **base)
# v2: U1 PhasingOut; C1 runs one more year; new system Aula with a new usage.
v2 = copy.deepcopy(base)
v2["it_system_usages"][0]["general"]["validity"]["lifeCycleStatus"] = "PhasingOut"
v2["it_contracts"][0]["general"]["validity"]["validTo"] = "2020-12-30T23:00:00Z"
v2["it_systems"].append({"uuid": S5, "name": "Aula", "kle": [], "scope": "Global"})
v2["it_system_usages"].append({"uuid": U4, "systemContext": idn(S5, "Aula"), "organizationContext": {"uuid": ORG},
                               "general": {"validity": {"lifeCycleStatus": "Operational"}}})
write("v2", **v2)
# delta (for --siden): only what changed after v1, plus the deleted-entities feed.
delta = dict(it_systems=[], it_system_usages=[copy.deepcopy(v2["it_system_usages"][0])], it_contracts=[],
             it_interfaces=[], data_processing_registrations=[], organizations=orgs,
             deleted_entities=[{"occurredAtUtc": "2020-02-01T09:00:00Z", "entityUuid": U3, "entityType": "ItSystemUsage"}])
delta["it_system_usages"][0]["general"]["validity"]["lifeCycleStatus"] = "Experimental"
write("delta", **delta)

"""The evaluation report (评标报告): ranking, the signed report, and the candidates handed on.

DOMAIN.md, "Evaluation" (Reg. 51–53) and issue 11, items 5–7: the committee's ranking
computed from the revealed sheets, the report as canonical JSON every member signs (CMS,
openssl-verifiable) or refuses, dissent in the members' words, a Chinese PDF of the same
content, and at the end the candidate list handed to the tender
(docs/formats/evaluation-report.md).
"""

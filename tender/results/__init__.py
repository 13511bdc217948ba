"""The results of a tender (issue 13; Reg. 54-55, Law 47): the candidates' publicity,
objections to them, the award decisions, the written report, failure and cancellation."""

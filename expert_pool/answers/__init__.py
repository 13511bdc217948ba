"""The drawn experts' seats and answers: confirm, decline, time out."""

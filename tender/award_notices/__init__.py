"""Award notices (中标通知书) and result notices (中标结果通知书), signed PDFs (Law 45)."""

"""Request for quotations (询价, Decree 74 Art. 45-48): one sealed quotation each, not
changed, lowest compliant price wins. The sealed-bid format, the submission and the
opening serve as they are, and the evaluation session's lowest-price method decides:
so this sub-package holds only the rules a project must meet at publication (model.py)
— no state, queries or service of its own."""

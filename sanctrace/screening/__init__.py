"""Sanctions screening (pure: no I/O, no clock).

    names.py       names as the matcher sees them: rigour's analysis, legal forms, transliteration, skeletons
    comparison.py  one name against another, part by part, with the evidence for each part
    parties.py     listed parties and screening queries; listings (list, programme, date, record)
    matching.py    one query against one party: names qualified by identifiers, country, birth date
    index.py       blocking: the inverted index that keeps full comparisons to a few candidates
    control.py     the 50% rule over ownership chains; shared directors and addresses as links
    orders.py      order checks: clear / review / block with every reason
    evaluation.py  the labelled name pairs and the scorecard
"""

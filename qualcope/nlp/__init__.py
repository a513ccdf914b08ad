"""spaCy lives here and only here: sentence splitting, cue matching, classifiers, suggestions.

Every module imports spaCy inside its functions, so importing the package stays cheap.
"""

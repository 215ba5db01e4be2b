"""Text as language: sentences, the narration script, storyboard drafts and figure mentions."""

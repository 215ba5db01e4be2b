"""Text as language: sentences, and (later) the narration script and storyboard drafts."""

"""Text as language: sentences, the narration script, slides, figure mentions and placement, grounding checks, image prompts."""

"""Media tools: ffmpeg (probe, audio, assembly), the frame renderer and subtitles."""

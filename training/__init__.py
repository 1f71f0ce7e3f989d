"""Training: the course with quizzes and certificates, and the seminars (plan items 1.3 and 1.4)."""
